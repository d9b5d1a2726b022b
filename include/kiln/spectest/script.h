// The model of a spec script: commands, actions and spec values, read from wast2json's JSON or from .wast directly.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiln/base/result.h"
#include "kiln/ir/features.h"
#include "kiln/ir/types.h"
#include "kiln/spectest/json.h"

namespace kiln::spectest {

enum class CommandType : uint8_t {
  kModule,
  kRegister,
  kAction,
  kAssertReturn,
  kAssertTrap,
  kAssertExhaustion,
  kAssertInvalid,
  kAssertMalformed,
  kAssertUnlinkable,
  kAssertUninstantiable,
  kAssertException,  // the action must throw a WebAssembly exception
  kModuleInstance,   // "(module instance $I $M)": instantiates a "(module definition $M ...)"
};
inline constexpr size_t kCommandTypeCount = 12;

const char* command_type_name(CommandType type);  // the wast2json spelling: "assert_return"
std::optional<CommandType> command_type_from_name(std::string_view name);

enum class ModuleType : uint8_t { kBinary, kText };

// The shape of a v128 constant's lanes; kNone for every other type.
enum class LaneType : uint8_t { kNone, kI8, kI16, kI32, kI64, kF32, kF64 };

size_t lane_count(LaneType lane);  // 16, 8, 4, 2, 4, 2; 0 for kNone
size_t lane_bytes(LaneType lane);  // 1, 2, 4, 8, 4, 8; 0 for kNone

// WebAssembly 3.0 reference results and arguments that kiln's ValType has no
// type for yet: a null of any type ("ref.null" alone or of a GC heap type),
// a host reference ("ref.host N"), or any non-null reference of a GC kind.
enum class RefKind : uint8_t { kNone, kNull, kHost, kI31, kStruct, kArray, kEq, kAny, kExn };

const char* ref_kind_name(RefKind kind);  // "ref.i31", ...

// An expected float result may be any NaN of a class instead of exact bits.
enum class NanClass : uint8_t { kNone, kCanonical, kArithmetic };

// One argument or expected result. Numbers keep their bit pattern (floats
// are not converted, so NaN payloads survive); a v128 keeps its 16 bytes in
// little-endian lane order plus the lane shape the script wrote it in.
struct SpecValue {
  ValType type = ValType::kI32;
  LaneType lane_type = LaneType::kNone;
  std::array<uint8_t, 16> bytes{};  // scalar bits in the low 8 bytes, little endian
  // Per float lane (index 0 for a scalar float): a NaN class instead of bits.
  std::array<NanClass, 4> nan{};
  bool is_null = false;   // a reference: "null"
  bool has_value = true;  // false when the JSON left out "value" (any reference of the type matches)
  bool non_null = false;  // with !has_value: "(ref.func)" / "(ref.extern)" match only non-null references
  RefKind ref_kind = RefKind::kNone;  // not kNone: a 3.0 reference (type is then meaningless)

  uint64_t bits() const;              // scalar bits, or the host reference number of an externref
  uint64_t lane(size_t index) const;  // v128 lane, zero-extended
  void set_bits(uint64_t bits);
  void set_lane(size_t index, uint64_t bits);
};

std::string spec_value_text(const SpecValue& value);  // "i32:42", "f32:nan:canonical", "v128 i8x16:[...]"

enum class ActionType : uint8_t { kInvoke, kGet };

struct Action {
  ActionType type = ActionType::kInvoke;
  std::string module;  // "$name" of a named module, empty for the most recent one
  std::string field;   // export name, any UTF-8
  std::vector<SpecValue> args;
};

struct Command {
  CommandType type = CommandType::kModule;
  uint32_t line = 0;
  std::string filename;  // module file, relative to the script's folder (JSON scripts)
  std::string name;      // module/register: the "$name" of a module
  std::string as;        // register: the import module name it becomes
  ModuleType module_type = ModuleType::kBinary;
  std::string text;  // the expected error message (prefix)
  std::optional<Action> action;
  std::vector<SpecValue> expected;
  // Relaxed SIMD: each alternative is a complete result list, any one of
  // which passes. Empty unless the script used "either".
  std::vector<std::vector<SpecValue>> either;

  // Modules of a .wast script are held in memory instead of files. A text
  // module that does not assemble keeps its error (the runner reports it);
  // "(module quote ...)" keeps its text, assembled when the command runs,
  // and has module_type kText.
  bool in_memory = false;
  std::vector<uint8_t> module_bytes;
  std::string module_text;
  std::optional<Error> module_error;
  bool definition = false;   // "(module definition ...)": validated and kept under `name`, not instantiated
  std::string instance_of;   // kModuleInstance: the definition's "$name" (empty: the last definition)
};

struct Script {
  std::string source_filename;
  std::vector<Command> commands;
};

// Builds a Script from parsed JSON. Errors are ErrorCode::kMalformed and
// name the command index and its line.
Result<Script> script_from_json(const JsonValue& json);
// parse_json + script_from_json.
Result<Script> parse_script(std::string_view json_text);
Result<Script> load_script(const std::string& path);

// Reads a .wast script: modules are assembled by kiln's text reader and held
// in the commands. Errors (a command that is not one, a bad value) are
// ErrorCode::kMalformed with "LINE:COLUMN: ".
// `features` choose between the text format's versions (see text::wat_to_binary).
Result<Script> parse_wast_script(std::string_view text, std::string source_filename,
                                 const Features& features = Features::all());
Result<Script> load_wast_script(const std::string& path, const Features& features = Features::all());

}  // namespace kiln::spectest
