// A C++ reactor whose static constructors build standard containers: a table of file extensions and
// their media types (vector of pairs), an unordered_map from extension to type, and, built by init,
// a map from each type to all of its extensions. `run` classifies a file name.
// Result text: "photo.JPG: image/jpeg [jpe jpeg jpg]", or "notes: no extension", "x.zzz: unknown".
// With -mexec-model=reactor, the exported `_initialize` runs the constructors; `run` on an
// instance that skipped it runs them itself.
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "workload_io.h"

extern "C" void __wasm_call_ctors(void);

namespace {

using Entry = std::pair<std::string, std::string>;

const std::vector<Entry> kMediaTypes = {
    {"aac", "audio/aac"},
    {"avif", "image/avif"},
    {"avi", "video/x-msvideo"},
    {"bin", "application/octet-stream"},
    {"bmp", "image/bmp"},
    {"bz2", "application/x-bzip2"},
    {"c", "text/x-c"},
    {"cc", "text/x-c"},
    {"cpp", "text/x-c"},
    {"css", "text/css"},
    {"csv", "text/csv"},
    {"deb", "application/vnd.debian.binary-package"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"eot", "application/vnd.ms-fontobject"},
    {"epub", "application/epub+zip"},
    {"flac", "audio/flac"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"h", "text/x-c"},
    {"htm", "text/html"},
    {"html", "text/html"},
    {"ico", "image/vnd.microsoft.icon"},
    {"ics", "text/calendar"},
    {"jar", "application/java-archive"},
    {"jpe", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript"},
    {"json", "application/json"},
    {"jsonld", "application/ld+json"},
    {"md", "text/markdown"},
    {"mid", "audio/midi"},
    {"midi", "audio/midi"},
    {"mjs", "text/javascript"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"mpeg", "video/mpeg"},
    {"odp", "application/vnd.oasis.opendocument.presentation"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},
    {"opus", "audio/opus"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"rar", "application/vnd.rar"},
    {"rtf", "application/rtf"},
    {"sh", "application/x-sh"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"ts", "video/mp2t"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain"},
    {"wasm", "application/wasm"},
    {"wav", "audio/wav"},
    {"weba", "audio/webm"},
    {"webm", "video/webm"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xhtml", "application/xhtml+xml"},
    {"xls", "application/vnd.ms-excel"},
    {"xml", "application/xml"},
    {"yaml", "application/yaml"},
    {"yml", "application/yaml"},
    {"zip", "application/zip"},
    {"7z", "application/x-7z-compressed"},
};

std::unordered_map<std::string, std::string> make_index() {
  std::unordered_map<std::string, std::string> index;
  for (const Entry& e : kMediaTypes) index.emplace(e.first, e.second);
  return index;
}

const std::unordered_map<std::string, std::string> kTypeOfExtension = make_index();

// Filled by init, not by a constructor: the part of the state only pre-initialization captures.
std::map<std::string, std::vector<std::string>> extensions_of_type;
bool initialized = false;

// Defined last, so its constructor runs after the others: true once the constructors have run. Its
// value depends on another object, so the compiler cannot turn it into a constant in the data section.
struct ConstructorsRan {
  ConstructorsRan() : value(!kTypeOfExtension.empty()) {}
  bool value;
};
ConstructorsRan constructors_ran;

void initialize() {
  if (initialized) return;
  if (!constructors_ran.value) __wasm_call_ctors();
  for (const Entry& e : kMediaTypes) extensions_of_type[e.second].push_back(e.first);
  initialized = true;
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

extern "C" __attribute__((export_name("wizer-initialize"))) void wizer_initialize() { initialize(); }

// Classifies the file name at ptr[0..len); returns 1 when its extension is known.
extern "C" __attribute__((export_name("run"))) int run(const char* ptr, int len) {
  initialize();
  const std::string name(ptr, len > 0 ? static_cast<size_t>(len) : 0);
  result_clear();
  result_append(name.c_str());
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot + 1 == name.size()) {
    result_append(": no extension");
    return 0;
  }
  const auto found = kTypeOfExtension.find(lower(name.substr(dot + 1)));
  if (found == kTypeOfExtension.end()) {
    result_append(": unknown");
    return 0;
  }
  result_append(": ");
  result_append(found->second.c_str());
  result_append(" [");
  const std::vector<std::string>& all = extensions_of_type.find(found->second)->second;  // init filed every type
  for (size_t i = 0; i < all.size(); ++i) {
    if (i) result_append(" ");
    result_append(all[i].c_str());
  }
  result_append("]");
  return 1;
}
