// Quoted-printable: lines within 76 columns, CRLF, UTF-8 and "=" escaped, text readable.
#include <doctest/doctest.h>

#include "email/quoted_printable.hpp"

using rc::handoff::encode_quoted_printable;

namespace {

// The inverse, for checking round trips: soft breaks joined, =XX decoded.
std::string decode(const std::string& qp) {
  std::string out;
  for (std::size_t i = 0; i < qp.size(); ++i) {
    if (qp.compare(i, 3, "=\r\n") == 0) i += 2;
    else if (qp[i] == '=') out += static_cast<char>(std::stoi(qp.substr(i + 1, 2), nullptr, 16)), i += 2;
    else if (qp.compare(i, 2, "\r\n") == 0) out += '\n', ++i;
    else out += qp[i];
  }
  return out;
}

}  // namespace

TEST_CASE("email: plain ASCII text stays as it is with CRLF line ends") {
  CHECK(encode_quoted_printable("Reference: HO-7KQ2-M9XD\nRoute: east\n") == "Reference: HO-7KQ2-M9XD\r\nRoute: east\r\n");
}

TEST_CASE("email: UTF-8 and equals signs are escaped and trailing spaces kept") {
  CHECK(encode_quoted_printable("£5 = café \n") == "=C2=A35 =3D caf=C3=A9=20\r\n");
}

TEST_CASE("email: long lines get soft breaks within 76 columns and decode back to the same text") {
  const std::string text = std::string(200, 'a') + "\n" + std::string(100, 'x') + "é" + std::string(100, 'y') + "\n\nend";
  const std::string qp = encode_quoted_printable(text);
  std::size_t start = 0;
  for (std::size_t i = qp.find("\r\n"); i != std::string::npos; start = i + 2, i = qp.find("\r\n", start)) CHECK(i - start <= 76);
  CHECK(decode(qp) == text + "\n");
}

TEST_CASE("email: control characters are dropped and every line end becomes CRLF") {
  CHECK(encode_quoted_printable("a\x1b[31mb\r\nc\rd\te") == "a[31mb\r\nc\r\nd\te\r\n");
}
