// The Wasi context (stdio, preopens, environment) and the registration of every WASI function on a Linker.
#include "kiln/wasi/wasi.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi_internal.h"

extern char** environ;

namespace kiln {
namespace {

using wasi::Errno;
using wasi::FdEntry;
using wasi::HostDef;

std::vector<std::span<const HostDef>> preview1_tables() {
  return {wasi::args_functions(),  wasi::clock_functions(),   wasi::proc_functions(), wasi::fd_functions(),
          wasi::fd_io_functions(), wasi::readdir_functions(), wasi::path_functions()};
}

// The guest-visible stream for stdin (0), stdout (1) or stderr (2).
FdEntry stdio_entry(const WasiOptions& options, int guest_fd) {
  FdEntry entry;
  entry.kind = wasi::FdKind::kStdio;
  entry.type = wasi::FileType::kCharacterDevice;
  entry.host_path = guest_fd == 0 ? "<stdin>" : guest_fd == 1 ? "<stdout>" : "<stderr>";
  struct stat st {};
  const int host = options.stdio_host_fds[guest_fd];
  if (options.inherit_stdio && host >= 0 && fstat(host, &st) == 0) {
    entry.host_fd = host;
    entry.type = wasi::file_type_from_mode(st.st_mode);
    const int flags = fcntl(host, F_GETFL);
    if (flags >= 0 && (flags & O_APPEND)) entry.fdflags |= wasi::kFdflagAppend;
    if (flags >= 0 && (flags & O_NONBLOCK)) entry.fdflags |= wasi::kFdflagNonblock;
  }
  wasi::Rights rights = wasi::kFileRights;
  if (guest_fd == 0)
    rights &= ~(wasi::kRightFdWrite | wasi::kRightFdAllocate | wasi::kRightFdFilestatSetSize);
  else
    rights &= ~wasi::kRightFdRead;
  // wasi-libc's isatty() is "a character device without seek rights".
  const bool seekable = entry.type == wasi::FileType::kRegularFile || entry.type == wasi::FileType::kBlockDevice;
  if (!seekable) rights &= ~(wasi::kRightFdSeek | wasi::kRightFdTell);
  entry.base = rights;
  return entry;
}

std::vector<std::string> merged_environment(const WasiOptions& options) {
  std::vector<std::string> env;
  if (options.inherit_env && environ)
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
  for (const std::string& entry : options.env) {
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (std::string& existing : env) {
      if (existing.compare(0, name.size(), name) == 0 && existing.size() > name.size() &&
          existing[name.size()] == '=') {
        existing = entry;
        replaced = true;
        break;
      }
    }
    if (!replaced) env.push_back(entry);
  }
  return env;
}

// "fd_write(fd=1, iovs=16, iovs_len=1, nwritten=8) -> success; wrote 6 bytes"
std::string trace_line(const char* module, const HostDef& def, std::span<const Value> args, const wasi::Call& call,
                       Errno result) {
  std::string line;
  if (module) {
    line += module;
    line += '.';
  }
  line += def.name;
  line += '(';
  std::string_view params = def.params;
  size_t index = 0;
  while (!params.empty() && index < args.size()) {
    const size_t space = params.find(' ');
    const std::string_view word = params.substr(0, space);
    params = space == std::string_view::npos ? std::string_view() : params.substr(space + 1);
    const size_t colon = word.find(':');
    if (index) line += ", ";
    line += word.substr(0, colon);
    line += '=';
    const char type = colon + 1 < word.size() ? word[colon + 1] : 'i';
    line += type == 'S' ? std::to_string(static_cast<int64_t>(args[index].bits)) : std::to_string(args[index].bits);
    ++index;
  }
  line += ") -> ";
  line += call.trap ? "exit" : wasi::errno_name(result);
  line += call.notes();
  return line;
}

size_t param_count(const char* params) {
  size_t n = 0;
  for (std::string_view p = params; !p.empty();) {
    ++n;
    const size_t space = p.find(' ');
    p = space == std::string_view::npos ? std::string_view() : p.substr(space + 1);
  }
  return n;
}

FuncType func_type(const HostDef& def) {
  FuncType type;
  for (std::string_view p = def.params; !p.empty();) {
    const size_t space = p.find(' ');
    const std::string_view word = p.substr(0, space);
    const size_t colon = word.find(':');
    const char t = colon + 1 < word.size() ? word[colon + 1] : 'i';
    type.params.push_back(t == 'i' ? ValType::kI32 : ValType::kI64);
    p = space == std::string_view::npos ? std::string_view() : p.substr(space + 1);
  }
  if (def.returns_errno) type.results.push_back(ValType::kI32);
  return type;
}

HostFunction make_host_function(std::shared_ptr<Wasi> context, const HostDef* def, const char* module) {
  const size_t arity = param_count(def->params);
  return [context = std::move(context), def, module, arity](HostContext& host, std::span<const Value> args,
                                                            std::span<Value> results) -> std::optional<Trap> {
    if (args.size() != arity || results.size() != (def->returns_errno ? 1u : 0u)) {
      Trap trap;
      trap.kind = TrapKind::kHostError;
      trap.detail = std::string("WASI function ") + def->name + " called with the wrong number of values";
      return trap;
    }
    wasi::Call call(context->state(), host, args);
    const Errno result = def->impl(call);
    if (def->returns_errno) results[0] = Value::i32(static_cast<uint32_t>(result));
    if (call.tracing()) context->state().options.trace(trace_line(module, *def, args, call, result));
    return std::move(call.trap);
  };
}

}  // namespace

Wasi::Wasi(std::unique_ptr<wasi::WasiState> state) : state_(std::move(state)) {}
Wasi::~Wasi() = default;

const WasiOptions& Wasi::options() const { return state_->options; }
std::optional<int32_t> Wasi::exit_code() const { return state_->exit_code; }

Result<std::shared_ptr<Wasi>> Wasi::create(WasiOptions options) {
  auto state = std::make_unique<wasi::WasiState>();
  state->env = merged_environment(options);
  state->rng_state = options.random_seed;
  for (int fd = 0; fd < 3; ++fd) state->fds.emplace(static_cast<uint32_t>(fd), stdio_entry(options, fd));
  for (const WasiOptions::Preopen& preopen : options.preopens) {
    const int fd = open(preopen.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      const int error = errno;
      return Error{ErrorCode::kIo, kNoOffset,
                   "cannot open the directory '" + preopen.host_path + "' to give the guest as '" + preopen.guest_path +
                       "': " + std::strerror(error)};
    }
    FdEntry entry;
    entry.kind = wasi::FdKind::kDirectory;
    entry.owned.reset(fd);
    entry.host_fd = fd;
    entry.type = wasi::FileType::kDirectory;
    entry.base = wasi::kDirectoryRights;
    entry.inheriting = wasi::kDirectoryRights | wasi::kFileRights;
    entry.is_preopen = true;
    entry.preopen_name = preopen.guest_path;
    entry.host_path = preopen.host_path;
    if (!state->insert(std::move(entry))) return Error{ErrorCode::kUsage, kNoOffset, "too many preopened directories"};
  }
  state->options = std::move(options);
  return std::shared_ptr<Wasi>(new Wasi(std::move(state)));
}

void define_wasi(Store& store, Linker& linker, std::shared_ptr<Wasi> wasi) {
  std::span<const HostDef> unstable = wasi::unstable_functions();
  for (std::span<const HostDef> table : preview1_tables()) {
    for (const HostDef& def : table) {
      const FuncType type = func_type(def);
      linker.define_func(store, kWasiModule, def.name, type, make_host_function(wasi, &def, nullptr));
      const HostDef* old = &def;
      for (const HostDef& u : unstable)
        if (std::strcmp(u.name, def.name) == 0) old = &u;
      linker.define_func(store, kWasiUnstableModule, def.name, type,
                         make_host_function(wasi, old, kWasiUnstableModule));
    }
  }
}

std::vector<std::string> wasi_function_names() {
  std::vector<std::string> names;
  for (std::span<const HostDef> table : preview1_tables())
    for (const HostDef& def : table) names.emplace_back(def.name);
  return names;
}

}  // namespace kiln
