// Standard Webhooks signing (placeholder).
