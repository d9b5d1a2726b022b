// The rewrite driver: walks the original sections in order and streams the pre-initialized module.
#include "kiln/rewrite/rewrite.h"

#include <algorithm>

#include "kiln/snapshot/segment_header.h"

#include "rewrite_sections.h"

namespace kiln {
namespace {

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

// A section's id and payload length, encoded on the stack.
class SectionHeader {
 public:
  SectionHeader(SectionId id, uint64_t payload_size) {
    bytes_[0] = static_cast<uint8_t>(id);
    end_ = encode_uleb(payload_size, bytes_ + 1);
  }
  std::span<const uint8_t> bytes() const { return std::span<const uint8_t>(bytes_, end_); }

 private:
  uint8_t bytes_[1 + kMaxLebBytes64];
  uint8_t* end_;
};

// The data section: original segments as passive ones (emptied when already
// applied or dropped) when kept, then one active segment per snapshot run.
// Sized before anything is written, so its payload streams from linear
// memory without a copy.
class DataSection {
 public:
  DataSection(const Module& module, const Snapshot& snapshot, const DataLayout& layout)
      : module_(module), snapshot_(snapshot), count_(layout.count) {
    if (count_ == 0) return;
    head_.write_uleb(count_);
    for (size_t i = 0; layout.keep_originals && i < module.datas.size(); ++i) {
      const DataSegment& seg = module.datas[i];
      const bool keep = seg.mode == SegmentMode::kPassive && !(i < snapshot.dropped_datas.size() && snapshot.dropped_datas[i]);
      head_.write_u8(0x01);
      if (keep) {
        head_.write_uleb(seg.bytes.size);
        head_.write_bytes(module.slice(seg.bytes));
      } else {
        head_.write_uleb(0);
      }
    }
    payload_size_ = head_.size();
    for (size_t m = 0; m < snapshot.memories.size(); ++m) {
      const ScanOptions shape = segment_shape(module, m);
      for (const DataRun& run : snapshot.memories[m].runs) payload_size_ += segment_header_size(run, shape) + run.size;
    }
  }

  // The whole section's bytes; none at all when there are no segments (an
  // empty section would only add bytes).
  uint64_t size() const { return count_ == 0 ? 0 : SectionHeader(SectionId::kData, payload_size_).bytes().size() + payload_size_; }

  Status write(Sink& out) const {
    if (count_ == 0) return {};
    KILN_TRY(out.write(SectionHeader(SectionId::kData, payload_size_).bytes()));
    KILN_TRY(out.write(head_.bytes()));
    for (size_t m = 0; m < snapshot_.memories.size(); ++m) {
      const ScanOptions shape = segment_shape(module_, m);
      const MemorySnapshot& memory = snapshot_.memories[m];
      for (const DataRun& run : memory.runs) {
        KILN_TRY(out.write(SegmentHeader(run, shape).bytes()));
        KILN_TRY(out.write_lasting(memory.bytes.subspan(run.offset, run.size)));
      }
    }
    return {};
  }

 private:
  const Module& module_;
  const Snapshot& snapshot_;
  uint64_t count_;
  ByteWriter head_;  // everything up to the first snapshot segment
  uint64_t payload_size_ = 0;
};

// One piece of the output, in order: bytes copied from the input (a whole
// section, or the preamble), a section kiln built, or the data section.
struct Piece {
  enum class Kind : uint8_t { kCopied, kBuilt, kData } kind;
  std::span<const uint8_t> copied;
  SectionId id = SectionId::kCustom;
  std::vector<uint8_t> payload;

  static Piece copy(std::span<const uint8_t> bytes) { return Piece{Kind::kCopied, bytes, SectionId::kCustom, {}}; }
  static Piece built(SectionId id, std::vector<uint8_t> payload) { return Piece{Kind::kBuilt, {}, id, std::move(payload)}; }
  static Piece data() { return Piece{Kind::kData, {}, SectionId::kData, {}}; }

  uint64_t size(const DataSection& data) const {
    switch (kind) {
      case Kind::kCopied: return copied.size();
      case Kind::kBuilt: return SectionHeader(id, payload.size()).bytes().size() + payload.size();
      case Kind::kData: return data.size();
    }
    return 0;
  }

  Status write(const DataSection& data, Sink& out) const {
    switch (kind) {
      case Kind::kCopied: return out.write_lasting(copied);
      case Kind::kBuilt:
        KILN_TRY(out.write(SectionHeader(id, payload.size()).bytes()));
        return out.write(payload);
      case Kind::kData: return data.write(out);
    }
    return {};
  }
};

}  // namespace

Status rewrite_module(const Module& module, const Snapshot& snapshot, const RewriteOptions& options, Sink& out) {
  auto exports = rewrite::exports_payload(module, options);
  if (!exports) return std::move(exports).error();

  const bool has_data_section = std::any_of(module.sections.begin(), module.sections.end(),
                                           [](const Section& x) { return x.id == SectionId::kData; });
  const DataLayout layout = plan_data(module, snapshot, options);
  const DataSection data(module, snapshot, layout);
  // Every piece is decided, and every built payload made, before the first
  // byte goes out: the sink learns the exact output size and allocates once.
  // Custom sections stay where the input has them: the name section's "after
  // the data section" holds already, as a new data section goes right after
  // the code.
  std::vector<Piece> pieces;
  pieces.reserve(module.sections.size() + 2);
  pieces.push_back(Piece::copy(std::span<const uint8_t>(module.bytes).first(8)));
  for (const Section& s : module.sections) {
    switch (s.id) {
      case SectionId::kStart:
        break;  // its effects are in the snapshot
      case SectionId::kGlobal:
        pieces.push_back(Piece::built(s.id, rewrite::globals_payload(module, snapshot)));
        break;
      case SectionId::kMemory:
        pieces.push_back(Piece::built(s.id, rewrite::memories_payload(module, snapshot)));
        break;
      case SectionId::kTable:
        if (snapshot.changed_tables.empty()) pieces.push_back(Piece::copy(module.slice(s.whole)));
        else pieces.push_back(Piece::built(s.id, rewrite::tables_payload(module, snapshot)));
        break;
      case SectionId::kExport:
        pieces.push_back(Piece::built(s.id, std::move(*exports)));
        break;
      case SectionId::kElement:
        if (rewrite::elements_change(module, snapshot)) pieces.push_back(Piece::built(s.id, rewrite::elements_payload(module, snapshot)));
        else pieces.push_back(Piece::copy(module.slice(s.whole)));
        break;
      case SectionId::kDataCount:
        if (layout.keep_originals) {
          ByteWriter count;
          count.write_uleb(layout.count);
          pieces.push_back(Piece::built(s.id, count.take()));
        }
        break;
      case SectionId::kData:
        pieces.push_back(Piece::data());
        break;
      case SectionId::kCode:
        pieces.push_back(Piece::copy(module.slice(s.whole)));
        // A module without data segments gets its data section right after the code.
        if (!has_data_section) pieces.push_back(Piece::data());
        break;
      default:
        pieces.push_back(Piece::copy(module.slice(s.whole)));
        break;
    }
  }
  uint64_t total = 0;
  for (const Piece& piece : pieces) total += piece.size(data);
  KILN_TRY(out.reserve(total));
  for (const Piece& piece : pieces) KILN_TRY(piece.write(data, out));
  return {};
}

}  // namespace kiln
