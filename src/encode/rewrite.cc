// The rewrite driver: walks the original sections in order and streams the pre-initialized module.
#include "kiln/encode/rewrite.h"

#include <algorithm>

#include "kiln/snapshot/segment_header.h"

#include "rewrite_sections.h"

namespace kiln {
namespace {

class SectionWriter {
 public:
  explicit SectionWriter(Sink& out) : out_(out) {}

  Status raw(std::span<const uint8_t> bytes) { return out_.write(bytes); }

  Status section(SectionId id, const std::vector<uint8_t>& payload) {
    ByteWriter header;
    header.write_u8(static_cast<uint8_t>(id));
    header.write_uleb(payload.size());
    KILN_TRY(out_.write(header.bytes()));
    return out_.write(payload);
  }

 private:
  Sink& out_;
};

// What the output's data segments are: the snapshot runs, after the original
// segments when code can name those by index. Their effect is in the
// snapshot, so they stay only to keep memory.init and data.drop indices valid;
// with neither in the code nothing can reach them, and they go (as does the
// data count section, which only those instructions need).
struct DataLayout {
  bool keep_originals = false;
  uint64_t count = 0;
};

DataLayout plan_data(const Module& module, const Snapshot& snapshot, const RewriteOptions& options) {
  DataLayout layout;
  layout.keep_originals = options.code_names_data_segments;
  if (layout.keep_originals) layout.count = module.datas.size();
  for (const MemorySnapshot& m : snapshot.memories) layout.count += m.runs.size();
  return layout;
}

// The header shape of the segments for defined memory `m` (snapshot.memories[m]).
ScanOptions segment_shape(const Module& module, size_t m) {
  ScanOptions shape;
  shape.memory_index = static_cast<uint32_t>(module.imported_memories + m);
  shape.memory64 = module.memories[shape.memory_index].limits.is_64;
  return shape;
}

// The data section: original segments as passive ones (emptied when already
// applied or dropped) when kept, then one active segment per snapshot run.
// Its size is computed first so the payload streams from linear memory
// without a copy.
Status write_data_section(SectionWriter& w, const Module& module, const Snapshot& snapshot, const DataLayout& layout) {
  if (layout.count == 0) return {};  // an empty section would only add bytes
  ByteWriter head;  // everything up to the first snapshot payload byte
  head.write_uleb(layout.count);
  for (size_t i = 0; layout.keep_originals && i < module.datas.size(); ++i) {
    const DataSegment& seg = module.datas[i];
    const bool keep = seg.mode == SegmentMode::kPassive && !(i < snapshot.dropped_datas.size() && snapshot.dropped_datas[i]);
    head.write_u8(0x01);
    if (keep) {
      head.write_uleb(seg.bytes.size);
      head.write_bytes(module.slice(seg.bytes));
    } else {
      head.write_uleb(0);
    }
  }
  uint64_t payload = head.size();
  for (size_t m = 0; m < snapshot.memories.size(); ++m) {
    const ScanOptions shape = segment_shape(module, m);
    for (const DataRun& run : snapshot.memories[m].runs) payload += segment_header_size(run, shape) + run.size;
  }
  ByteWriter section_header;
  section_header.write_u8(static_cast<uint8_t>(SectionId::kData));
  section_header.write_uleb(payload);
  KILN_TRY(w.raw(section_header.bytes()));
  KILN_TRY(w.raw(head.bytes()));
  for (size_t m = 0; m < snapshot.memories.size(); ++m) {
    const ScanOptions shape = segment_shape(module, m);
    for (const DataRun& run : snapshot.memories[m].runs) {
      KILN_TRY(w.raw(SegmentHeader(run, shape).bytes()));
      KILN_TRY(w.raw(snapshot.memories[m].bytes.subspan(run.offset, run.size)));
    }
  }
  return {};
}

}  // namespace

Status rewrite_module(const Module& module, const Snapshot& snapshot, const RewriteOptions& options, Sink& out) {
  SectionWriter w(out);
  KILN_TRY(w.raw(std::span<const uint8_t>(module.bytes).first(8)));
  auto exports = rewrite::exports_payload(module, options);
  if (!exports) return std::move(exports).error();

  const bool has_data_section = std::any_of(module.sections.begin(), module.sections.end(),
                                           [](const Section& x) { return x.id == SectionId::kData; });
  const DataLayout data = plan_data(module, snapshot, options);
  // Custom sections stay where the input has them: the name section's "after
  // the data section" holds already, as a new data section goes right after
  // the code.
  for (const Section& s : module.sections) {
    switch (s.id) {
      case SectionId::kStart:
        break;  // its effects are in the snapshot
      case SectionId::kGlobal:
        KILN_TRY(w.section(s.id, rewrite::globals_payload(module, snapshot)));
        break;
      case SectionId::kMemory:
        KILN_TRY(w.section(s.id, rewrite::memories_payload(module, snapshot)));
        break;
      case SectionId::kTable:
        if (snapshot.changed_tables.empty()) KILN_TRY(w.raw(module.slice(s.whole)));
        else KILN_TRY(w.section(s.id, rewrite::tables_payload(module, snapshot)));
        break;
      case SectionId::kExport:
        KILN_TRY(w.section(s.id, *exports));
        break;
      case SectionId::kElement:
        if (rewrite::elements_change(module, snapshot)) KILN_TRY(w.section(s.id, rewrite::elements_payload(module, snapshot)));
        else KILN_TRY(w.raw(module.slice(s.whole)));
        break;
      case SectionId::kDataCount:
        if (data.keep_originals) {
          ByteWriter count;
          count.write_uleb(data.count);
          KILN_TRY(w.section(s.id, count.bytes()));
        }
        break;
      case SectionId::kData:
        KILN_TRY(write_data_section(w, module, snapshot, data));
        break;
      case SectionId::kCode:
        KILN_TRY(w.raw(module.slice(s.whole)));
        // A module without data segments gets its data section right after the code.
        if (!has_data_section) KILN_TRY(write_data_section(w, module, snapshot, data));
        break;
      default:
        KILN_TRY(w.raw(module.slice(s.whole)));
        break;
    }
  }
  return {};
}

}  // namespace kiln
