// The interpreter's exceptions: creating one, finding the catch clause that takes it, naming an escaping one's tag.
#include "exceptions.h"

#include <memory>

namespace kiln::interp {

ExceptionInstance* new_exception(Machine& m, Instance& instance, TagInstance* tag, const uint64_t* payload,
                                 size_t cells) {
  ExceptionInstance* exn = nullptr;
  if (!instance.free_exceptions.empty()) {
    exn = instance.free_exceptions.back();
    instance.free_exceptions.pop_back();
  } else if (instance.exceptions.size() >= kMaxKeptExceptions) {
    m.trap.emplace();
    m.trap->kind = TrapKind::kHostError;
    m.trap->detail = "too many exceptions: " + std::to_string(kMaxKeptExceptions) +
                     " were caught by reference (catch_ref, catch_all_ref), and kiln keeps each of those as long as "
                     "the instance";
    return nullptr;
  } else {
    exn = instance.exceptions.emplace_back(std::make_unique<ExceptionInstance>()).get();
    exn->owner = &instance;
  }
  exn->tag = tag;
  exn->payload.assign(payload, payload + cells);
  exn->referenced = false;
  return exn;
}

void release_if_unreferenced(ExceptionInstance& exn) {
  if (!exn.referenced) exn.owner->free_exceptions.push_back(&exn);
}

bool find_catch(const ExceptionInstance& exn, CompiledFunc* func, const uint64_t* pc, uint64_t* fp,
                CatchHit& hit) {
  size_t frames_left = 0;
  while (true) {
    const auto at = static_cast<uint32_t>(pc - func->code.data());
    const std::vector<TryRange>& ranges = func->try_ranges;
    // Ranges are in order of their start and nest properly, so of those that
    // hold `at`, a later one lies inside an earlier one: innermost first.
    for (size_t i = ranges.size(); i-- > 0;) {
      const TryRange& range = ranges[i];
      if (at < range.begin || at >= range.end) continue;
      if (range.delegate == TryRange::kToCaller) break;
      if (range.delegate != TryRange::kNoDelegate) {
        i = range.delegate + 1;  // the handlers at the delegate's label: that range and those around it
        continue;
      }
      const uint64_t* clause = range.legacy ? range.handlers.data() : func->code.data() + range.clauses;
      const uint64_t count = range.legacy ? range.handlers.size() / kClauseWords : clause[-1];
      for (uint64_t k = 0; k < count; ++k, clause += kClauseWords) {
        const TagInstance* tag = word_ptr<TagInstance>(clause[0]);
        if (tag == nullptr || tag == exn.tag) {
          hit.func = func;
          hit.fp = fp;
          hit.frames_left = frames_left;
          hit.clause = clause;
          return true;
        }
      }
    }
    const uint64_t* record = frame_record(fp, func);
    if (!record_func(record)) return false;  // the entry function's: nothing catches
    const uint64_t* return_pc = record_return_pc(record);
    ++frames_left;
    fp = record_fp(record);
    func = record_func(record);
    // A return address is just past its call: the word before it is inside the call.
    pc = return_pc - 1;
  }
}

std::string tag_text(const TagInstance& tag) {
  const std::string index = "#" + std::to_string(tag.index);
  if (!tag.instance || !tag.instance->module) return "tag " + index;
  for (const Export& e : tag.instance->module->exports)
    if (e.kind == ExternKind::kTag && e.index == tag.index) return "tag \"" + e.name + "\" (" + index + ")";
  return "tag " + index;
}

void set_uncaught(Machine& m, const ExceptionInstance& exn) {
  m.trap.emplace();
  m.trap->kind = TrapKind::kUncaughtException;
  m.trap->detail = tag_text(*exn.tag);
}

}  // namespace kiln::interp
