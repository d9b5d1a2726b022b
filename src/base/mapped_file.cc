// Read-only mappings of whole files.
#include "kiln/base/mapped_file.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace kiln {

Result<MappedFile> MappedFile::map(int fd, const std::string& shown) {
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return Error{ErrorCode::kIo, kNoOffset, "cannot read '" + shown + "': " + std::strerror(errno)};
  const size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) return MappedFile(nullptr, 0);
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED)
    return Error{ErrorCode::kIo, kNoOffset, "cannot map '" + shown + "': " + std::strerror(errno)};
  return MappedFile(data, size);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

}  // namespace kiln
