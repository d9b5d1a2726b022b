// Rewriter: the original module plus a Snapshot become the pre-initialized module, streamed to a Sink.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kiln/base/sink.h"
#include "kiln/ir/module.h"
#include "kiln/snapshot/snapshot.h"

namespace kiln {

// Wizer's --rename-func dst=src: export `src` is emitted as `dst`, replacing
// an export already named `dst`.
struct ExportRename {
  std::string dst;
  std::string src;
};

struct RewriteOptions {
  std::vector<std::string> remove_exports;  // e.g. the init function, "_initialize"
  std::vector<ExportRename> renames;
  // Whether some function body (run by init or not) names a data segment by
  // index, with memory.init or data.drop; validation reads every body and
  // knows (ModuleInfo::names_data_segments). Only then must the original
  // segments keep their indices; the default keeps them.
  bool code_names_data_segments = true;
};

// Writes the output module: globals as constants of their snapshot values,
// memories' minimum = current size, start section removed, original data
// segments kept as (empty when consumed) passive ones so data indices stay
// stable where code names them (options.code_names_data_segments) and left
// out where nothing does, snapshot runs appended as active segments and streamed
// straight from linear memory, changed tables re-emitted as element segments,
// every other section (custom ones included) copied byte for byte in the
// input's order. The exact output size goes to out.reserve() before the
// first write, so a sink in memory allocates once. The bytes of `module` and
// of the snapshot's memories go out with Sink::write_lasting: they must stay
// as they are until `out` is flushed.
// Fails with ErrorCode::kUsage for conflicting renames (two sources for one
// destination, or two destinations for one source).
Status rewrite_module(const Module& module, const Snapshot& snapshot, const RewriteOptions& options, Sink& out);

}  // namespace kiln
