// Encoder: writes a Module back to the binary format.
#pragma once

#include <cstdint>
#include <vector>

#include "kiln/base/byte_writer.h"
#include "kiln/ir/module.h"

namespace kiln {

enum class EncodeMode : uint8_t {
  kCopyUntouched,  // every section copied byte for byte from the input
  kReencode,       // every known section rebuilt from the parsed Module (minimal LEBs)
};

std::vector<uint8_t> encode_module(const Module& module, EncodeMode mode = EncodeMode::kCopyUntouched);

// Limits with an explicit minimum (the rewriter raises minimums to the snapshot's sizes).
void write_limits(ByteWriter& out, uint64_t min, const Limits& limits);

// A value type in its shortest binary form: one byte, or 0x63/0x64 and the heap type.
void write_val_type(ByteWriter& out, ValType type);
// The heap type of a reference as an s33: a type index or an abstract heap type's code.
void write_heap_type(ByteWriter& out, ValType type);
// The one constant instruction that makes a value of `type`: i32/i64/f32/f64/v128.const of its bits (`hi`: a
// v128's high half; packed i8/i16 as i32.const), or ref.null of a reference type (callers write non-null ones).
void write_value_const(ByteWriter& out, ValType type, uint64_t lo, uint64_t hi);

// Section payload writers from the parsed Module, for the rewriter.
void write_section(ByteWriter& out, SectionId id, const std::vector<uint8_t>& payload);
std::vector<uint8_t> encode_section_payload(const Module& module, const Section& section);

}  // namespace kiln
