// The profile build's dispatch counts: instructions and adjacent pairs, and the report that ranks them.
#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

#include "interp/dispatch_profile.h"
#include "interp/internal_code.h"

using kiln::interp::DispatchProfile;

TEST_CASE("dispatch profile: counts instructions and the pairs that ran one after the other") {
  DispatchProfile profile(4);
  for (const size_t op : std::initializer_list<size_t>{0, 1, 0, 1, 2}) profile.count(op);
  CHECK(profile.total() == 5);
  CHECK(profile.op(0) == 2);
  CHECK(profile.op(1) == 2);
  CHECK(profile.op(3) == 0);
  CHECK(profile.pair(0, 1) == 2);
  CHECK(profile.pair(1, 0) == 1);
  CHECK(profile.pair(1, 2) == 1);
  CHECK(profile.pair(2, 0) == 0);
}

TEST_CASE("dispatch profile: a new activation's first instruction pairs with nothing") {
  DispatchProfile profile(3);
  profile.count(2);
  profile.restart();
  profile.count(1);
  profile.count(2);
  CHECK(profile.pair(2, 1) == 0);
  CHECK(profile.pair(1, 2) == 1);
  CHECK(profile.total() == 3);
}

TEST_CASE("dispatch profile: the report ranks by count, with each one's share of the total") {
  DispatchProfile profile(3);
  for (const size_t op : std::initializer_list<size_t>{2, 1, 2, 1, 2, 0}) profile.count(op);
  const char* names[] = {"Zero", "One", "Two"};
  const std::string text = profile.report(names, 2);
  CHECK(text.find("dispatches: 6\n") == 0);
  const auto two = text.find("Two ");
  const auto one = text.find("One ");
  REQUIRE(two != std::string::npos);
  REQUIRE(one != std::string::npos);
  CHECK(two < one);                                   // 3 before 2
  CHECK(text.find("Zero ") == std::string::npos);     // only the top two instructions
  CHECK(text.find("50.0%") != std::string::npos);     // Two: 3 of 6
  CHECK(text.find("One -> Two") < text.find("Two -> One"));  // both twice: a tie keeps the index order
}

TEST_CASE("internal opcodes are named as their handlers") {
  using kiln::interp::IOp;
  using kiln::interp::op_name;
  CHECK(std::string(op_name(IOp::kI32Add)) == "I32Add");
  CHECK(std::string(op_name(IOp::kI32AddLK)) == "I32AddLK");
  CHECK(std::string(op_name(IOp::kLocalGetPair)) == "LocalGetPair");
  CHECK(std::string(op_name(IOp::kCount)) == "invalid");
}
