// Tests of the base layer: LEB128 limits and wording, UTF-8, the writer's minimal LEBs, atomic file writes.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "kiln/base/byte_reader.h"
#include "kiln/base/byte_writer.h"
#include "kiln/base/failure.h"
#include "kiln/base/file_io.h"
#include "kiln/base/sink.h"

using kiln::ByteReader;
using kiln::ByteWriter;

namespace {

using Vec = std::vector<uint8_t>;

template <typename Fn>
std::string error_of(const Vec& bytes, Fn&& read) {
  ByteReader reader(bytes, 100);
  auto result = kiln::capture_failure([&] { read(reader); });
  return result.ok() ? std::string("ok") : result.error().message + "@" + std::to_string(result.error().offset);
}

}  // namespace

TEST_CASE("unsigned LEB128 decodes values and rejects overlong or oversized encodings") {
  const Vec r_bytes{0xE5, 0x8E, 0x26};
  ByteReader r(r_bytes);
  CHECK(r.read_u32() == 624485u);
  const Vec max_bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  ByteReader max(max_bytes);
  CHECK(max.read_u32() == 0xFFFFFFFFu);
  const Vec padded_bytes{0x80, 0x80, 0x80, 0x80, 0x00};
  ByteReader padded(padded_bytes);
  CHECK(padded.read_u32() == 0u);  // non-minimal but within 5 bytes is allowed
  CHECK(error_of({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, [](ByteReader& x) { (void)x.read_u32(); }) == "integer too large@104");
  CHECK(error_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, [](ByteReader& x) { (void)x.read_u32(); }) ==
        "integer representation too long@104");
  CHECK(error_of({0x80, 0x80}, [](ByteReader& x) { (void)x.read_u32(); }) == "unexpected end@102");
  // A last byte with both unused value bits and the continuation bit set is "too large", as in the reference.
  CHECK(error_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00}, [](ByteReader& x) { (void)x.read_u32(); }) ==
        "integer too large@104");
  CHECK(error_of({0xFF, 0xFF, 0xFF, 0xFF, 0xBF, 0x00}, [](ByteReader& x) { (void)x.read_s32(); }) ==
        "integer too large@104");
  const Vec big_bytes{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  ByteReader big(big_bytes);
  CHECK(big.read_u64() == ~uint64_t{0});
  CHECK(error_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, [](ByteReader& x) { (void)x.read_u64(); }) ==
        "integer too large@109");
}

TEST_CASE("signed LEB128 sign-extends and checks the unused bits of the last byte") {
  const Vec r_bytes{0x7F};
  ByteReader r(r_bytes);
  CHECK(r.read_s32() == -1);
  const Vec min_bytes{0x80, 0x80, 0x80, 0x80, 0x78};
  ByteReader min(min_bytes);
  CHECK(min.read_s32() == INT32_MIN);
  const Vec max_bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x07};
  ByteReader max(max_bytes);
  CHECK(max.read_s32() == INT32_MAX);
  // 0x70 as last byte of an s32 has bit 3 (sign) clear but bits 4-6 set.
  CHECK(error_of({0xFF, 0xFF, 0xFF, 0xFF, 0x4F}, [](ByteReader& x) { (void)x.read_s32(); }) == "integer too large@104");
  const Vec s64_bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F};
  ByteReader s64(s64_bytes);
  CHECK(s64.read_s64() == INT64_MIN);
  CHECK(error_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, [](ByteReader& x) { (void)x.read_s64(); }) ==
        "integer too large@109");
  const Vec s33_bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  ByteReader s33(s33_bytes);
  CHECK(s33.read_s33() == (int64_t{1} << 32) - 1);  // the largest block type index
  CHECK(error_of({0x80, 0x80, 0x80, 0x80, 0x10}, [](ByteReader& x) { (void)x.read_s33(); }) == "integer too large@104");
}

TEST_CASE("counts the input cannot hold fail before any allocation") {
  CHECK(error_of({0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00}, [](ByteReader& x) { (void)x.read_count(1); }) == "unexpected end@100");
  const Vec ok_bytes{0x02, 0xAA, 0xBB};
  ByteReader ok(ok_bytes);
  CHECK(ok.read_count(1) == 2u);
}

TEST_CASE("names must be valid UTF-8") {
  CHECK(kiln::is_valid_utf8("plain"));
  CHECK(kiln::is_valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));
  CHECK_FALSE(kiln::is_valid_utf8("\xC0\x80"));          // overlong NUL
  CHECK_FALSE(kiln::is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(kiln::is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(kiln::is_valid_utf8("\xE2\x82"));          // truncated
  CHECK_FALSE(kiln::is_valid_utf8("\x80"));
  CHECK(error_of({0x02, 0xC3, 0x28}, [](ByteReader& x) { (void)x.read_name(); }) == "malformed UTF-8 encoding@101");
  CHECK(error_of({0x05, 'a'}, [](ByteReader& x) { (void)x.read_name(); }) == "unexpected end@101");
}

TEST_CASE("the writer emits minimal LEBs and predicts their sizes") {
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{16383}, uint64_t{16384}, ~uint64_t{0}}) {
    ByteWriter w;
    w.write_uleb(v);
    CHECK(w.size() == kiln::leb_size_unsigned(v));
    ByteReader r(w.bytes());
    CHECK(r.read_u64() == v);
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{63}, int64_t{64}, int64_t{-64}, int64_t{-65}, INT64_MIN, INT64_MAX}) {
    ByteWriter w;
    w.write_sleb(v);
    CHECK(w.size() == kiln::leb_size_signed(v));
    ByteReader r(w.bytes());
    CHECK(r.read_s64() == v);
  }
  ByteWriter w;
  w.write_uleb(128);
  CHECK(w.bytes() == Vec{0x80, 0x01});
}

TEST_CASE("atomic writes leave either the whole file or nothing") {
  char dir_template[] = "/tmp/kiln-io-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  const std::string path = dir + "/out.wasm";
  const Vec data{1, 2, 3, 4};
  REQUIRE(kiln::write_file_atomic(path, data).ok());
  auto back = kiln::read_file(path);
  REQUIRE(back.ok());
  CHECK(*back == data);

  auto missing_dir = kiln::write_file_atomic(dir + "/no/such/dir/out.wasm", data);
  REQUIRE_FALSE(missing_dir.ok());
  CHECK(missing_dir.error().code == kiln::ErrorCode::kIo);

  auto unreadable = kiln::read_file(dir + "/absent.wasm");
  REQUIRE_FALSE(unreadable.ok());
  CHECK(unreadable.error().message.find("absent.wasm") != std::string::npos);
  auto directory = kiln::read_file(dir);
  CHECK_FALSE(directory.ok());

  // No temporary file is left behind, neither after success nor after failure.
  CHECK(::access(path.c_str(), F_OK) == 0);
  std::remove(path.c_str());
  CHECK(::rmdir(dir.c_str()) == 0);  // fails if anything else remained
}

TEST_CASE("reads stop at their size limit: an endless device, a pipe or a file larger than the limit") {
  auto endless = kiln::read_file("/dev/zero", 1 << 20);
  REQUIRE_FALSE(endless.ok());
  CHECK(endless.error().message == "cannot read '/dev/zero': it is larger than 1048576 bytes, the most kiln reads as a module");
  char dir_template[] = "/tmp/kiln-io-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  const std::string path = dir + "/in.wasm";
  REQUIRE(kiln::write_file_atomic(path, Vec(100, 7)).ok());
  CHECK(kiln::read_file(path, 100).ok());
  auto over = kiln::read_file(path, 99);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().message.find("larger than 99 bytes") != std::string::npos);
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("a device target is written in place, never replaced") {
  auto full = kiln::write_file_atomic("/dev/full", Vec{1, 2, 3});
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().message.find("/dev/full") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat("/dev/full", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
  CHECK(kiln::write_file_atomic("/dev/null", Vec{1, 2, 3}).ok());
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
}

TEST_CASE("an atomic file sink maps back what it wrote, copied and lasting pieces of every size, before commit") {
  char dir_template[] = "/tmp/kiln-io-XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  const std::string path = dir + "/out.wasm";
  Vec expected;
  {
    auto sink = kiln::AtomicFileSink::open(path);
    REQUIRE(sink.ok());
    CHECK_FALSE((*sink)->in_place());
    const Vec large(200 << 10, 0xab);
    const Vec larger_than_the_buffer(3 << 20, 0xcd);
    std::vector<Vec> small;  // each lasting, so kept apart until the end
    for (int i = 0; i < 3000; ++i) small.push_back(Vec{static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), 7});
    auto add = [&](const Vec& piece, bool lasting) {
      REQUIRE((lasting ? (*sink)->write_lasting(piece) : (*sink)->write(piece)).ok());
      expected.insert(expected.end(), piece.begin(), piece.end());
    };
    for (int i = 0; i < 3000; ++i) {
      // Copies from a temporary that is overwritten at once, between lasting pieces (more than one writev takes).
      Vec copied{static_cast<uint8_t>(i), 1, 2};
      add(copied, false);
      copied.assign(3, 0xee);
      add(small[static_cast<size_t>(i)], true);
      if (i % 1000 == 0) add(large, i % 2000 == 0);
      if (i == 1500) add(larger_than_the_buffer, false);
    }
    auto mapped = (*sink)->map_written();
    REQUIRE(mapped.ok());
    CHECK(mapped->bytes().size() == expected.size());
    CHECK(Vec(mapped->bytes().begin(), mapped->bytes().end()) == expected);
    CHECK(::access(path.c_str(), F_OK) != 0);  // only the temporary exists
  }
  CHECK(::rmdir(dir.c_str()) == 0);  // dropped without commit: the temporary is gone too

  auto device = kiln::AtomicFileSink::open("/dev/null");
  REQUIRE(device.ok());
  CHECK((*device)->in_place());
}
