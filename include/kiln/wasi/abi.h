// The wasi_snapshot_preview1 ABI as seen by a guest: errno values, flags, rights and struct layouts.
#pragma once

#include <cstdint>

namespace kiln::wasi {

// The guest's errno (a u16 in memory, an i32 result of every function).
enum class Errno : uint16_t {
  kSuccess = 0,
  k2big = 1,
  kAcces = 2,
  kAddrinuse = 3,
  kAddrnotavail = 4,
  kAfnosupport = 5,
  kAgain = 6,
  kAlready = 7,
  kBadf = 8,
  kBadmsg = 9,
  kBusy = 10,
  kCanceled = 11,
  kChild = 12,
  kConnaborted = 13,
  kConnrefused = 14,
  kConnreset = 15,
  kDeadlk = 16,
  kDestaddrreq = 17,
  kDom = 18,
  kDquot = 19,
  kExist = 20,
  kFault = 21,
  kFbig = 22,
  kHostunreach = 23,
  kIdrm = 24,
  kIlseq = 25,
  kInprogress = 26,
  kIntr = 27,
  kInval = 28,
  kIo = 29,
  kIsconn = 30,
  kIsdir = 31,
  kLoop = 32,
  kMfile = 33,
  kMlink = 34,
  kMsgsize = 35,
  kMultihop = 36,
  kNametoolong = 37,
  kNetdown = 38,
  kNetreset = 39,
  kNetunreach = 40,
  kNfile = 41,
  kNobufs = 42,
  kNodev = 43,
  kNoent = 44,
  kNoexec = 45,
  kNolck = 46,
  kNolink = 47,
  kNomem = 48,
  kNomsg = 49,
  kNoprotoopt = 50,
  kNospc = 51,
  kNosys = 52,
  kNotconn = 53,
  kNotdir = 54,
  kNotempty = 55,
  kNotrecoverable = 56,
  kNotsock = 57,
  kNotsup = 58,
  kNotty = 59,
  kNxio = 60,
  kOverflow = 61,
  kOwnerdead = 62,
  kPerm = 63,
  kPipe = 64,
  kProto = 65,
  kProtonosupport = 66,
  kPrototype = 67,
  kRange = 68,
  kRofs = 69,
  kSpipe = 70,
  kSrch = 71,
  kStale = 72,
  kTimedout = 73,
  kTxtbsy = 74,
  kXdev = 75,
  kNotcapable = 76,
};

// "badf", "notcapable", ...: the witx names, for traces and messages.
const char* errno_name(Errno e);

enum class ClockId : uint32_t { kRealtime = 0, kMonotonic = 1, kProcessCputime = 2, kThreadCputime = 3 };

enum class FileType : uint8_t {
  kUnknown = 0,
  kBlockDevice = 1,
  kCharacterDevice = 2,
  kDirectory = 3,
  kRegularFile = 4,
  kSocketDgram = 5,
  kSocketStream = 6,
  kSymbolicLink = 7,
};

// preview1's whence; wasi_unstable numbers the same three differently.
enum class Whence : uint8_t { kSet = 0, kCur = 1, kEnd = 2 };

using Rights = uint64_t;
inline constexpr Rights kRightFdDatasync = Rights{1} << 0;
inline constexpr Rights kRightFdRead = Rights{1} << 1;
inline constexpr Rights kRightFdSeek = Rights{1} << 2;
inline constexpr Rights kRightFdFdstatSetFlags = Rights{1} << 3;
inline constexpr Rights kRightFdSync = Rights{1} << 4;
inline constexpr Rights kRightFdTell = Rights{1} << 5;
inline constexpr Rights kRightFdWrite = Rights{1} << 6;
inline constexpr Rights kRightFdAdvise = Rights{1} << 7;
inline constexpr Rights kRightFdAllocate = Rights{1} << 8;
inline constexpr Rights kRightPathCreateDirectory = Rights{1} << 9;
inline constexpr Rights kRightPathCreateFile = Rights{1} << 10;
inline constexpr Rights kRightPathLinkSource = Rights{1} << 11;
inline constexpr Rights kRightPathLinkTarget = Rights{1} << 12;
inline constexpr Rights kRightPathOpen = Rights{1} << 13;
inline constexpr Rights kRightFdReaddir = Rights{1} << 14;
inline constexpr Rights kRightPathReadlink = Rights{1} << 15;
inline constexpr Rights kRightPathRenameSource = Rights{1} << 16;
inline constexpr Rights kRightPathRenameTarget = Rights{1} << 17;
inline constexpr Rights kRightPathFilestatGet = Rights{1} << 18;
inline constexpr Rights kRightPathFilestatSetSize = Rights{1} << 19;
inline constexpr Rights kRightPathFilestatSetTimes = Rights{1} << 20;
inline constexpr Rights kRightFdFilestatGet = Rights{1} << 21;
inline constexpr Rights kRightFdFilestatSetSize = Rights{1} << 22;
inline constexpr Rights kRightFdFilestatSetTimes = Rights{1} << 23;
inline constexpr Rights kRightPathSymlink = Rights{1} << 24;
inline constexpr Rights kRightPathRemoveDirectory = Rights{1} << 25;
inline constexpr Rights kRightPathUnlinkFile = Rights{1} << 26;
inline constexpr Rights kRightPollFdReadwrite = Rights{1} << 27;
inline constexpr Rights kRightSockShutdown = Rights{1} << 28;
inline constexpr Rights kRightSockAccept = Rights{1} << 29;
inline constexpr Rights kAllRights = (Rights{1} << 30) - 1;

// What an open regular file (or stdio stream) can be asked to do.
inline constexpr Rights kFileRights = kRightFdDatasync | kRightFdRead | kRightFdSeek | kRightFdFdstatSetFlags |
                                      kRightFdSync | kRightFdTell | kRightFdWrite | kRightFdAdvise | kRightFdAllocate |
                                      kRightFdFilestatGet | kRightFdFilestatSetSize | kRightFdFilestatSetTimes |
                                      kRightPollFdReadwrite;
// What an open directory can be asked to do.
inline constexpr Rights kDirectoryRights =
    kRightFdFdstatSetFlags | kRightFdSync | kRightFdDatasync | kRightPathCreateDirectory | kRightPathCreateFile |
    kRightPathLinkSource | kRightPathLinkTarget | kRightPathOpen | kRightFdReaddir | kRightPathReadlink |
    kRightPathRenameSource | kRightPathRenameTarget | kRightPathFilestatGet | kRightPathFilestatSetSize |
    kRightPathFilestatSetTimes | kRightFdFilestatGet | kRightFdFilestatSetTimes | kRightPathSymlink |
    kRightPathRemoveDirectory | kRightPathUnlinkFile | kRightPollFdReadwrite;

// fdflags (u16)
inline constexpr uint16_t kFdflagAppend = 1 << 0;
inline constexpr uint16_t kFdflagDsync = 1 << 1;
inline constexpr uint16_t kFdflagNonblock = 1 << 2;
inline constexpr uint16_t kFdflagRsync = 1 << 3;
inline constexpr uint16_t kFdflagSync = 1 << 4;

// oflags (u16)
inline constexpr uint16_t kOflagCreat = 1 << 0;
inline constexpr uint16_t kOflagDirectory = 1 << 1;
inline constexpr uint16_t kOflagExcl = 1 << 2;
inline constexpr uint16_t kOflagTrunc = 1 << 3;

// lookupflags (u32)
inline constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

// fstflags (u16)
inline constexpr uint16_t kFstflagAtim = 1 << 0;
inline constexpr uint16_t kFstflagAtimNow = 1 << 1;
inline constexpr uint16_t kFstflagMtim = 1 << 2;
inline constexpr uint16_t kFstflagMtimNow = 1 << 3;

// eventtype (u8) and subclockflags (u16)
inline constexpr uint8_t kEventClock = 0;
inline constexpr uint8_t kEventFdRead = 1;
inline constexpr uint8_t kEventFdWrite = 2;
inline constexpr uint16_t kSubclockAbstime = 1 << 0;

inline constexpr uint8_t kPreopenTypeDir = 0;

// Struct sizes and field offsets in guest memory (all little-endian).
inline constexpr uint32_t kIovecSize = 8;          // buf u32 @0, buf_len u32 @4
inline constexpr uint32_t kFdstatSize = 24;        // filetype u8 @0, flags u16 @2, rights_base @8, inheriting @16
inline constexpr uint32_t kFilestatSize = 64;      // dev @0, ino @8, filetype u8 @16, nlink @24, size @32,
                                                   // atim @40, mtim @48, ctim @56
inline constexpr uint32_t kDirentSize = 24;        // d_next @0, d_ino @8, d_namlen u32 @16, d_type u8 @20
inline constexpr uint32_t kPrestatSize = 8;        // tag u8 @0, pr_name_len u32 @4
inline constexpr uint32_t kSubscriptionSize = 48;  // userdata @0, tag u8 @8, body @16
inline constexpr uint32_t kEventSize = 32;         // userdata @0, error u16 @8, type u8 @10, nbytes @16, flags u16 @24

}  // namespace kiln::wasi
