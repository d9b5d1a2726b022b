// Reads a wast2json command list into the Script model, checking every field's type and range.
#include "kiln/spectest/script.h"

#include <cmath>
#include <string>
#include <utility>

#include "kiln/base/failure.h"
#include "kiln/base/file_io.h"

namespace kiln::spectest {

namespace {

struct CommandName {
  CommandType type;
  const char* name;
};

constexpr CommandName kCommandNames[kCommandTypeCount] = {
    {CommandType::kModule, "module"},
    {CommandType::kRegister, "register"},
    {CommandType::kAction, "action"},
    {CommandType::kAssertReturn, "assert_return"},
    {CommandType::kAssertTrap, "assert_trap"},
    {CommandType::kAssertExhaustion, "assert_exhaustion"},
    {CommandType::kAssertInvalid, "assert_invalid"},
    {CommandType::kAssertMalformed, "assert_malformed"},
    {CommandType::kAssertUnlinkable, "assert_unlinkable"},
    {CommandType::kAssertUninstantiable, "assert_uninstantiable"},
    {CommandType::kAssertException, "assert_exception"},
    {CommandType::kModuleInstance, "module_instance"},
};

}  // namespace

const char* command_type_name(CommandType type) {
  const auto index = static_cast<size_t>(type);
  return index < kCommandTypeCount ? kCommandNames[index].name : "?";
}

std::optional<CommandType> command_type_from_name(std::string_view name) {
  for (const CommandName& entry : kCommandNames) {
    if (name == entry.name) return entry.type;
  }
  return std::nullopt;
}

size_t lane_count(LaneType lane) {
  const size_t size = lane_bytes(lane);
  return size == 0 ? 0 : 16 / size;
}

size_t lane_bytes(LaneType lane) {
  switch (lane) {
    case LaneType::kNone: return 0;
    case LaneType::kI8: return 1;
    case LaneType::kI16: return 2;
    case LaneType::kI32:
    case LaneType::kF32: return 4;
    case LaneType::kI64:
    case LaneType::kF64: return 8;
  }
  return 0;
}

uint64_t SpecValue::bits() const {
  uint64_t out = 0;
  for (size_t i = 0; i < 8; ++i) out |= uint64_t{bytes[i]} << (8 * i);
  return out;
}

uint64_t SpecValue::lane(size_t index) const {
  const size_t size = lane_bytes(lane_type);
  uint64_t out = 0;
  for (size_t i = 0; i < size && index * size + i < 16; ++i) out |= uint64_t{bytes[index * size + i]} << (8 * i);
  return out;
}

void SpecValue::set_bits(uint64_t value) {
  for (size_t i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(value >> (8 * i));
}

void SpecValue::set_lane(size_t index, uint64_t value) {
  const size_t size = lane_bytes(lane_type);
  for (size_t i = 0; i < size && index * size + i < 16; ++i) {
    bytes[index * size + i] = static_cast<uint8_t>(value >> (8 * i));
  }
}

namespace {

const char* lane_type_name(LaneType lane) {
  constexpr const char* kNames[] = {"", "i8", "i16", "i32", "i64", "f32", "f64"};
  return kNames[static_cast<size_t>(lane)];
}

const char* nan_class_name(NanClass nan) { return nan == NanClass::kCanonical ? "nan:canonical" : "nan:arithmetic"; }

}  // namespace

const char* ref_kind_name(RefKind kind) {
  constexpr const char* kNames[] = {"", "ref.null", "ref.host", "ref.i31", "ref.struct",
                                    "ref.array", "ref.eq", "ref.any", "ref.exn"};
  return kNames[static_cast<size_t>(kind)];
}

std::string spec_value_text(const SpecValue& value) {
  if (value.ref_kind != RefKind::kNone) {
    std::string out = ref_kind_name(value.ref_kind);
    if (value.has_value && value.ref_kind == RefKind::kHost) out += ' ' + std::to_string(value.bits());
    return out;
  }
  std::string out = val_type_name(value.type);
  if (!value.has_value) return value.non_null ? out + ":non-null" : out;
  if (value.type == ValType::kV128) {
    out += ' ';
    out += lane_type_name(value.lane_type);
    out += 'x' + std::to_string(lane_count(value.lane_type)) + ":[";
    for (size_t i = 0; i < lane_count(value.lane_type); ++i) {
      if (i) out += ' ';
      const bool float_lane = value.lane_type == LaneType::kF32 || value.lane_type == LaneType::kF64;
      if (float_lane && value.nan[i] != NanClass::kNone) {
        out += nan_class_name(value.nan[i]);
      } else {
        out += std::to_string(value.lane(i));
      }
    }
    return out + "]";
  }
  out += ':';
  if (is_ref_type(value.type) && value.is_null) return out + "null";
  if (value.nan[0] != NanClass::kNone) return out + nan_class_name(value.nan[0]);
  return out + std::to_string(value.bits());
}

namespace {

// Reads one command; every complaint names the command so a bad file can be fixed.
class CommandReader {
 public:
  CommandReader(const JsonValue& json, size_t index) : json_(json), index_(index) {}

  Command read() {
    if (!json_.is_object()) bad("a command must be an object");
    Command cmd;
    const JsonValue* line = json_.find("line");
    if (line) cmd.line = read_line(*line);
    line_ = cmd.line;
    const std::string& type_name = string_field(json_, "type");
    const auto type = command_type_from_name(type_name);
    if (!type) bad("unknown command type \"" + type_name + "\"");
    cmd.type = *type;
    if (!line) bad("missing \"line\"");
    switch (cmd.type) {
      case CommandType::kModule:
        cmd.filename = string_field(json_, "filename");
        cmd.name = optional_string(json_, "name");
        cmd.module_type = read_module_type(cmd.filename);
        break;
      case CommandType::kRegister:
        cmd.as = string_field(json_, "as");
        cmd.name = optional_string(json_, "name");
        break;
      case CommandType::kAction:
      case CommandType::kAssertReturn:
      case CommandType::kAssertTrap:
      case CommandType::kAssertExhaustion:
      case CommandType::kAssertException:
        cmd.action = read_action(field(json_, "action"));
        if (cmd.type == CommandType::kAssertTrap || cmd.type == CommandType::kAssertExhaustion) {
          cmd.text = string_field(json_, "text");
        }
        if (const JsonValue* either = json_.find("either"); either && cmd.type == CommandType::kAssertReturn) {
          for (const JsonValue& alternative : array_items(*either, "either")) {
            cmd.either.push_back({read_value(alternative, /*expected=*/true)});
          }
          if (cmd.either.empty()) bad("\"either\" needs at least one alternative");
        } else if (const JsonValue* expected = json_.find("expected")) {
          for (const JsonValue& v : array_items(*expected, "expected")) cmd.expected.push_back(read_value(v, true));
        } else if (cmd.type == CommandType::kAssertReturn) {
          bad("missing \"expected\" or \"either\"");
        }
        break;
      case CommandType::kAssertInvalid:
      case CommandType::kAssertMalformed:
      case CommandType::kAssertUnlinkable:
      case CommandType::kAssertUninstantiable:
        cmd.filename = string_field(json_, "filename");
        cmd.text = string_field(json_, "text");
        cmd.module_type = read_module_type(cmd.filename);
        break;
      case CommandType::kModuleInstance: bad("module instances exist only in .wast scripts");
    }
    return cmd;
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    std::string where = "command " + std::to_string(index_);
    if (line_) where += " (line " + std::to_string(line_) + ")";
    fail(ErrorCode::kMalformed, kNoOffset, where + ": " + what);
  }

  const JsonValue& field(const JsonValue& object, const char* key) const {
    const JsonValue* v = object.find(key);
    if (!v) bad(std::string("missing \"") + key + "\"");
    return *v;
  }

  const std::string& string_field(const JsonValue& object, const char* key) const {
    const JsonValue& v = field(object, key);
    if (!v.is_string()) bad(std::string("\"") + key + "\" must be a string, not " + json_kind_name(v.kind()));
    return v.as_string();
  }

  std::string optional_string(const JsonValue& object, const char* key) const {
    return object.find(key) ? string_field(object, key) : std::string();
  }

  const std::vector<JsonValue>& array_items(const JsonValue& v, const char* key) const {
    if (!v.is_array()) bad(std::string("\"") + key + "\" must be an array, not " + json_kind_name(v.kind()));
    return v.items();
  }

  uint32_t read_line(const JsonValue& v) const {
    const double n = v.as_number();
    if (!v.is_number() || n < 0 || n > 4294967295.0 || std::floor(n) != n) bad("\"line\" must be a line number");
    return static_cast<uint32_t>(n);
  }

  // wast2json writes "module_type" on assertion modules only; a plain
  // module command's kind shows in its file name.
  ModuleType read_module_type(const std::string& filename) const {
    if (json_.find("module_type")) {
      const std::string& kind = string_field(json_, "module_type");
      if (kind == "binary") return ModuleType::kBinary;
      if (kind == "text") return ModuleType::kText;
      bad("unknown module_type \"" + kind + "\"");
    }
    return filename.ends_with(".wat") ? ModuleType::kText : ModuleType::kBinary;
  }

  Action read_action(const JsonValue& v) const {
    if (!v.is_object()) bad("\"action\" must be an object");
    Action action;
    const std::string& type = string_field(v, "type");
    if (type == "invoke") {
      action.type = ActionType::kInvoke;
    } else if (type == "get") {
      action.type = ActionType::kGet;
    } else {
      bad("unknown action type \"" + type + "\"");
    }
    action.field = string_field(v, "field");
    action.module = optional_string(v, "module");
    if (action.type == ActionType::kInvoke) {
      for (const JsonValue& arg : array_items(field(v, "args"), "args")) action.args.push_back(read_value(arg, false));
    }
    return action;
  }

  static std::optional<ValType> val_type_from_name(std::string_view name) {
    constexpr ValType kTypes[] = {ValType::kI32,  ValType::kI64,     ValType::kF32,      ValType::kF64,
                                  ValType::kV128, ValType::kFuncRef, ValType::kExternRef};
    for (ValType t : kTypes) {
      if (name == val_type_name(t)) return t;
    }
    return std::nullopt;
  }

  static LaneType lane_type_from_name(std::string_view name) {
    constexpr LaneType kLanes[] = {LaneType::kI8,  LaneType::kI16, LaneType::kI32,
                                   LaneType::kI64, LaneType::kF32, LaneType::kF64};
    for (LaneType lane : kLanes) {
      if (name == lane_type_name(lane)) return lane;
    }
    return LaneType::kNone;
  }

  // An unsigned decimal no larger than `max`: wast2json writes every number
  // as the unsigned value of its bit pattern.
  uint64_t read_decimal(const std::string& text, uint64_t max) const {
    if (text.empty()) bad("empty number");
    uint64_t value = 0;
    for (const char c : text) {
      if (c < '0' || c > '9') bad("\"" + text + "\" is not an unsigned decimal number");
      const auto digit = static_cast<uint64_t>(c - '0');
      if (value > (max - digit) / 10) bad("\"" + text + "\" is out of range for its type");
      value = value * 10 + digit;
    }
    return value;
  }

  // Reads a number or, for an expected float, a NaN class.
  uint64_t read_number(const std::string& text, uint64_t max, bool is_float, bool expected, NanClass& nan) const {
    if (text.starts_with("nan:")) {
      if (!is_float || !expected) bad("\"" + text + "\" is only allowed for an expected float");
      if (text == "nan:canonical") {
        nan = NanClass::kCanonical;
      } else if (text == "nan:arithmetic") {
        nan = NanClass::kArithmetic;
      } else {
        bad("unknown NaN class \"" + text + "\"");
      }
      return 0;
    }
    return read_decimal(text, max);
  }

  SpecValue read_value(const JsonValue& v, bool expected) const {
    if (!v.is_object()) bad("a value must be an object");
    SpecValue out;
    const std::string& type_name = string_field(v, "type");
    const auto type = val_type_from_name(type_name);
    if (!type) bad("unknown value type \"" + type_name + "\"");
    out.type = *type;
    const JsonValue* value = v.find("value");
    // A v128 written by type alone (an assert_trap result) has no lanes to shape.
    if (out.type == ValType::kV128 && (value || v.find("lane_type"))) {
      out.lane_type = lane_type_from_name(string_field(v, "lane_type"));
      if (out.lane_type == LaneType::kNone) bad("unknown lane_type \"" + string_field(v, "lane_type") + "\"");
    }
    if (!value) {
      // Expected results of assert_trap (and some references) name only the type.
      if (!expected) bad("an argument needs a \"value\"");
      out.has_value = false;
      return out;
    }
    if (out.type == ValType::kV128) {
      const auto& lanes = array_items(*value, "value");
      const size_t count = lane_count(out.lane_type);
      if (lanes.size() != count)
        bad("a v128 of " + string_field(v, "lane_type") + " lanes needs " + std::to_string(count) + " values");
      const bool float_lanes = out.lane_type == LaneType::kF32 || out.lane_type == LaneType::kF64;
      const size_t bits = lane_bytes(out.lane_type) * 8;
      const uint64_t max = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
      for (size_t i = 0; i < count; ++i) {
        if (!lanes[i].is_string()) bad("v128 lanes must be strings");
        NanClass nan = NanClass::kNone;
        out.set_lane(i, read_number(lanes[i].as_string(), max, float_lanes, expected, nan));
        if (float_lanes) out.nan[i] = nan;
      }
      return out;
    }
    if (!value->is_string()) bad("\"value\" must be a string");
    const std::string& text = value->as_string();
    if (is_ref_type(out.type)) {
      if (text == "null") {
        out.is_null = true;
      } else {
        out.set_bits(read_decimal(text, ~uint64_t{0}));
      }
      return out;
    }
    const bool wide = out.type == ValType::kI64 || out.type == ValType::kF64;
    const bool is_float = out.type == ValType::kF32 || out.type == ValType::kF64;
    out.set_bits(read_number(text, wide ? ~uint64_t{0} : 0xFFFFFFFFu, is_float, expected, out.nan[0]));
    return out;
  }

  const JsonValue& json_;
  size_t index_;
  uint32_t line_ = 0;
};

}  // namespace

Result<Script> script_from_json(const JsonValue& json) {
  return capture_failure([&] {
    if (!json.is_object()) fail(ErrorCode::kMalformed, kNoOffset, "a script must be a JSON object");
    Script script;
    if (const JsonValue* source = json.find("source_filename")) {
      if (!source->is_string()) fail(ErrorCode::kMalformed, kNoOffset, "\"source_filename\" must be a string");
      script.source_filename = source->as_string();
    }
    const JsonValue* commands = json.find("commands");
    if (!commands || !commands->is_array()) {
      fail(ErrorCode::kMalformed, kNoOffset, "a script needs a \"commands\" array");
    }
    script.commands.reserve(commands->size());
    for (size_t i = 0; i < commands->size(); ++i) {
      script.commands.push_back(CommandReader(commands->items()[i], i).read());
    }
    return script;
  });
}

Result<Script> parse_script(std::string_view json_text) {
  auto json = parse_json(json_text);
  if (!json.ok()) return std::move(json).error();
  return script_from_json(*json);
}

Result<Script> load_script(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes.ok()) return std::move(bytes).error();
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  auto script = parse_script(text);
  if (!script.ok()) {
    Error error = std::move(script).error();
    error.message = path + ": " + error.message;
    return error;
  }
  return script;
}

}  // namespace kiln::spectest
