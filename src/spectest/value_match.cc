// assert_return's comparison of results: bit-exact, with NaN classes per float lane.
#include <cstdint>

#include "kiln/spectest/runner.h"

namespace kiln::spectest {

namespace {

// A canonical NaN has only the top fraction bit set (sign free); an
// arithmetic NaN has at least that bit set.
bool nan_matches(NanClass nan, uint64_t bits, bool is_f64) {
  const uint64_t sign = is_f64 ? uint64_t{1} << 63 : uint64_t{1} << 31;
  const uint64_t quiet_nan = is_f64 ? 0x7FF8000000000000 : 0x7FC00000;
  const uint64_t magnitude = bits & (sign - 1);
  if (nan == NanClass::kCanonical) return magnitude == quiet_nan;
  return (magnitude & quiet_nan) == quiet_nan;
}

uint64_t scalar_mask(ValType type) {
  return type == ValType::kI32 || type == ValType::kF32 ? 0xFFFFFFFF : ~uint64_t{0};
}

// Whether an actual reference is of the 3.0 kind a script expects: (ref.i31),
// (ref.struct), (ref.eq), (ref.host N), ... (the executor classifies values of
// the any hierarchy; a host value passed as an externref counts as ref.host).
bool ref_kind_matches(const SpecValue& expected, const SpecValue& actual) {
  if (expected.ref_kind == RefKind::kNull) return is_ref_type(actual.type) && actual.is_null;
  if (actual.is_null) return false;
  const RefKind kind = actual.ref_kind;
  switch (expected.ref_kind) {
    case RefKind::kHost: {
      const bool host = kind == RefKind::kHost || (kind == RefKind::kNone && actual.type.code == TypeCode::kExternRef);
      return host && (!expected.has_value || expected.bits() == actual.bits());
    }
    case RefKind::kI31: case RefKind::kStruct: case RefKind::kArray: return kind == expected.ref_kind;
    case RefKind::kEq: return kind == RefKind::kI31 || kind == RefKind::kStruct || kind == RefKind::kArray;
    case RefKind::kAny: return kind != RefKind::kNone || actual.type.code == TypeCode::kAnyRef;
    case RefKind::kExn: return kind == RefKind::kNone && actual.type.code == TypeCode::kExnRef;
    default: return false;
  }
}

}  // namespace

bool value_matches(const SpecValue& expected, const SpecValue& actual) {
  if (expected.ref_kind != RefKind::kNone) return ref_kind_matches(expected, actual);
  // A value of the any hierarchy expected as a plain reference: only null (ref.null any) can say so.
  if (actual.ref_kind != RefKind::kNone) return false;
  // References compare by their hierarchy: (ref.func) matches a result typed (ref $t).
  if (is_ref_type(expected.type) && is_ref_type(actual.type)) {
    if (expected.type.code != actual.type.code) return false;
  } else if (expected.type != actual.type) {
    return false;
  }
  if (!expected.has_value) return !expected.non_null || !actual.is_null;
  if (is_ref_type(expected.type)) {
    if (expected.is_null || actual.is_null) return expected.is_null == actual.is_null;
    // A funcref cannot be written in a script except as null, so any
    // non-null function reference matches; externrefs carry a host number.
    return expected.type == ValType::kFuncRef || expected.bits() == actual.bits();
  }
  if (expected.type == ValType::kV128) {
    const bool float_lanes = expected.lane_type == LaneType::kF32 || expected.lane_type == LaneType::kF64;
    if (!float_lanes) return expected.bytes == actual.bytes;
    // The actual value's lane shape is whatever the executor chose; read
    // its bytes with the expected shape.
    SpecValue reshaped = actual;
    reshaped.lane_type = expected.lane_type;
    for (size_t i = 0; i < lane_count(expected.lane_type); ++i) {
      const bool is_f64 = expected.lane_type == LaneType::kF64;
      if (expected.nan[i] != NanClass::kNone) {
        if (!nan_matches(expected.nan[i], reshaped.lane(i), is_f64)) return false;
      } else if (expected.lane(i) != reshaped.lane(i)) {
        return false;
      }
    }
    return true;
  }
  const uint64_t mask = scalar_mask(expected.type);
  if (expected.nan[0] != NanClass::kNone) {
    return nan_matches(expected.nan[0], actual.bits() & mask, expected.type == ValType::kF64);
  }
  return (expected.bits() & mask) == (actual.bits() & mask);
}

bool results_match(std::span<const SpecValue> expected, std::span<const SpecValue> actual) {
  if (expected.size() != actual.size()) return false;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!value_matches(expected[i], actual[i])) return false;
  }
  return true;
}

}  // namespace kiln::spectest
