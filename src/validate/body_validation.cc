// BodyValidation: function bodies typed by worker threads that take contiguous runs of them in turn, while the
// caller runs; the caller types any body it needs first, and the rest once it finishes.
#include "kiln/validate/body_validation.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "body_threads.h"
#include "code_structure.h"
#include "context.h"
#include "function_validator.h"
#include "module_rules.h"

namespace kiln {
namespace validate_detail {
namespace {

constexpr size_t kBodyBytesPerThread = size_t{1} << 20;  // below this a thread costs more than it saves
constexpr unsigned kMaxThreads = 8;
// A run of bodies is what a thread takes at a time: small enough that the
// threads, and the caller once it finishes, end close together; large enough
// that taking one costs nothing next to typing it.
constexpr size_t kMaxRunBytes = size_t{64} << 10;
constexpr size_t kRunsPerThread = 8;

size_t code_bytes(const Module& module) {
  size_t bytes = 0;
  for (const FunctionBody& body : module.codes) bytes += body.code.size;
  return bytes;
}

// The spec decodes the whole module before it validates anything, so a
// malformed body anywhere wins over an invalid one.
Error prefer_malformed(const Module& module, Error error) {
  if (error.code == ErrorCode::kMalformed) return error;
  Status malformed = capture_failure([&] { scan_bodies_for_malformed(module); });
  if (!malformed.ok() && malformed.error().code == ErrorCode::kMalformed) return std::move(malformed).error();
  return error;
}

}  // namespace

unsigned body_threads(const Module& module, unsigned max_threads, unsigned busy_threads) {
  const size_t count = module.codes.size();
  if (count == 0) return 0;
  if (max_threads) return static_cast<unsigned>(std::min<size_t>(max_threads, count));
  const unsigned machine = std::max(1u, std::thread::hardware_concurrency());
  const unsigned cap = std::min(kMaxThreads, std::max(1u, machine > busy_threads ? machine - busy_threads : 1u));
  const size_t useful = std::max<size_t>(1, code_bytes(module) / kBodyBytesPerThread);
  return static_cast<unsigned>(std::min<size_t>({cap, useful, count}));
}

}  // namespace validate_detail

using validate_detail::FunctionValidator;
using validate_detail::ModuleContext;

struct BodyValidation::State {
  // Each body is claimed by the one thread that types it into info.funcs; a
  // body needed while another thread has it claimed is typed again elsewhere.
  enum : uint8_t { kUnclaimed, kClaimed, kValid, kInvalid };

  const Module& module;
  ModuleContext context;
  ModuleInfo info;                            // funcs[i] written only by body i's claimant
  std::unique_ptr<std::atomic<uint8_t>[]> states;
  std::vector<uint32_t> run_starts;           // run r is bodies [run_starts[r], run_starts[r + 1])
  std::atomic<uint32_t> next_run{0};
  std::atomic<bool> stop{false};              // set by the destructor, or when a worker failed unexpectedly
  // The lowest invalid body found so far; bodies above it need no typing.
  std::atomic<uint32_t> lowest_invalid;
  std::mutex failure_mutex;                   // guards lowest_error and unexpected
  std::optional<Error> lowest_error;
  std::exception_ptr unexpected;              // anything but a validation failure (bad_alloc), for finish
  std::optional<FunctionValidator> caller_validator;
  std::vector<std::jthread> workers;

  explicit State(const Module& m) : module(m), context(m), lowest_invalid(static_cast<uint32_t>(m.codes.size())) {}

  uint32_t count() const { return static_cast<uint32_t>(module.codes.size()); }

  void plan_runs(unsigned threads) {
    const size_t bytes = validate_detail::code_bytes(module);
    const size_t target = std::clamp<size_t>(bytes / (validate_detail::kRunsPerThread * std::max(1u, threads)), 1, validate_detail::kMaxRunBytes);
    run_starts.push_back(0);
    size_t in_run = 0;
    for (uint32_t i = 0; i < count(); ++i) {
      in_run += module.codes[i].code.size;
      if (in_run >= target && i + 1 < count()) {
        run_starts.push_back(i + 1);
        in_run = 0;
      }
    }
    run_starts.push_back(count());
  }

  void record_invalid(uint32_t index, Error error) {
    std::lock_guard lock(failure_mutex);
    if (index >= lowest_invalid.load(std::memory_order_relaxed)) return;
    lowest_invalid.store(index, std::memory_order_relaxed);
    lowest_error = std::move(error);
  }

  // Types a body this thread has claimed into its facts. A non-validation
  // exception gives the claim back, so that finish types the body again.
  std::optional<Error> type_claimed(FunctionValidator& validator, uint32_t index, BodyObserver* observer = nullptr) {
    try {
      validator.validate(index, info.funcs[index], observer);
      states[index].store(kValid, std::memory_order_release);
      return std::nullopt;
    } catch (Failure& failure) {
      record_invalid(index, failure.error);
      states[index].store(kInvalid, std::memory_order_release);
      return std::move(failure.error);
    } catch (...) {
      states[index].store(kUnclaimed, std::memory_order_release);
      throw;
    }
  }

  bool claim(uint32_t index) {
    uint8_t expected = kUnclaimed;
    return states[index].compare_exchange_strong(expected, kClaimed, std::memory_order_acquire);
  }

  // Takes runs until none is left (or the bodies left all lie above an invalid one).
  void take_runs(FunctionValidator& validator) {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) return;
      const uint32_t run = next_run.fetch_add(1, std::memory_order_relaxed);
      if (run + 1 >= run_starts.size()) return;
      for (uint32_t i = run_starts[run]; i < run_starts[run + 1]; ++i) {
        // Runs are taken in increasing order, so every later one lies above too.
        if (i > lowest_invalid.load(std::memory_order_relaxed)) return;
        if (claim(i)) type_claimed(validator, i);
      }
    }
  }

  void work() {
    try {
      FunctionValidator validator(context);
      take_runs(validator);
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!unexpected) unexpected = std::current_exception();
      stop.store(true, std::memory_order_relaxed);
    }
  }

  FunctionValidator& for_caller() {
    if (!caller_validator) caller_validator.emplace(context);
    return *caller_validator;
  }
};

BodyValidation::BodyValidation(std::unique_ptr<State> state) : state_(std::move(state)) {}

BodyValidation::~BodyValidation() {
  if (!state_) return;
  state_->stop.store(true, std::memory_order_relaxed);
  state_->workers.clear();  // joins
}

Result<std::unique_ptr<BodyValidation>> BodyValidation::start(const Module& module, unsigned workers) {
  auto state = std::make_unique<State>(module);
  Status module_level = capture_failure([&] { validate_detail::check_module_level(state->context); });
  if (!module_level) return validate_detail::prefer_malformed(module, std::move(module_level).error());

  const uint32_t count = state->count();
  state->info.funcs.resize(count);
  state->states = std::make_unique<std::atomic<uint8_t>[]>(count);  // value-initialized: kUnclaimed
  state->plan_runs(workers + 1);
  std::unique_ptr<BodyValidation> validation(new BodyValidation(std::move(state)));
  State& shared = *validation->state_;
  shared.workers.reserve(workers);  // so that emplace_back fails only for want of a thread
  for (unsigned t = 0; t < workers; ++t) {
    try {
      shared.workers.emplace_back([&shared] { shared.work(); });
    } catch (const std::system_error&) {
      break;  // no thread to be had: the calling thread types what the others do not
    }
  }
  return validation;
}

unsigned BodyValidation::workers_beside_busy_caller(const Module& module, unsigned max_threads) {
  return validate_detail::body_threads(module, max_threads, 1);
}

Status BodyValidation::check_body(uint32_t defined_index, BodyObserver* observer) {
  State& s = *state_;
  if (defined_index >= s.count())
    return Error{ErrorCode::kUsage, kNoOffset, "check_body: no defined function " + std::to_string(defined_index)};
  const uint8_t now = s.states[defined_index].load(std::memory_order_acquire);
  if (now == State::kValid && !observer) return {};
  if (now == State::kUnclaimed && s.claim(defined_index)) {
    std::optional<Error> error = s.type_claimed(s.for_caller(), defined_index, observer);
    if (error) return std::move(*error);
    return {};
  }
  // Claimed by a worker that may still be typing it, found invalid, or typed
  // already but wanted by an observer: type it here into scratch facts.
  return capture_failure([&] {
    FuncInfo scratch;
    s.for_caller().validate(defined_index, scratch, observer);
  });
}

Result<ModuleInfo> BodyValidation::finish() {
  State& s = *state_;
  FunctionValidator& validator = s.for_caller();
  s.take_runs(validator);
  s.workers.clear();  // joins
  if (s.unexpected) std::rethrow_exception(s.unexpected);
  // A body whose typing was cut short by an exception in check_body was
  // given back after its run was taken; it is typed here.
  for (uint32_t i = 0; i < s.count() && i < s.lowest_invalid.load(std::memory_order_relaxed); ++i)
    if (s.claim(i)) s.type_claimed(validator, i);
  if (s.lowest_error) return validate_detail::prefer_malformed(s.module, std::move(*s.lowest_error));
  for (const FuncInfo& func : s.info.funcs) s.info.names_data_segments = s.info.names_data_segments || func.names_data_segment;
  return std::move(s.info);
}

}  // namespace kiln
