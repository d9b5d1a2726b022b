// WASI errno names and the mapping from the host's errno values.
#include <cerrno>

#include "wasi_internal.h"

namespace kiln::wasi {
namespace {

// Indexed by the Errno value (0..76), witx spelling.
constexpr const char* kErrnoNames[] = {
    "success",        "2big",       "acces",       "addrinuse",      "addrnotavail", "afnosupport", "again",
    "already",        "badf",       "badmsg",      "busy",           "canceled",     "child",       "connaborted",
    "connrefused",    "connreset",  "deadlk",      "destaddrreq",    "dom",          "dquot",       "exist",
    "fault",          "fbig",       "hostunreach", "idrm",           "ilseq",        "inprogress",  "intr",
    "inval",          "io",         "isconn",      "isdir",          "loop",         "mfile",       "mlink",
    "msgsize",        "multihop",   "nametoolong", "netdown",        "netreset",     "netunreach",  "nfile",
    "nobufs",         "nodev",      "noent",       "noexec",         "nolck",        "nolink",      "nomem",
    "nomsg",          "noprotoopt", "nospc",       "nosys",          "notconn",      "notdir",      "notempty",
    "notrecoverable", "notsock",    "notsup",      "notty",          "nxio",         "overflow",    "ownerdead",
    "perm",           "pipe",       "proto",       "protonosupport", "prototype",    "range",       "rofs",
    "spipe",          "srch",       "stale",       "timedout",       "txtbsy",       "xdev",        "notcapable",
};
static_assert(sizeof(kErrnoNames) / sizeof(kErrnoNames[0]) == 77);

}  // namespace

const char* errno_name(Errno e) {
  const auto index = static_cast<size_t>(e);
  return index < sizeof(kErrnoNames) / sizeof(kErrnoNames[0]) ? kErrnoNames[index] : "unknown";
}

Errno last_host_errno() { return errno_from_host(errno); }

Errno errno_from_host(int host_errno) {
  switch (host_errno) {
    case 0: return Errno::kSuccess;
    case E2BIG: return Errno::k2big;
    case EACCES: return Errno::kAcces;
    case EADDRINUSE: return Errno::kAddrinuse;
    case EADDRNOTAVAIL: return Errno::kAddrnotavail;
    case EAFNOSUPPORT: return Errno::kAfnosupport;
    case EAGAIN: return Errno::kAgain;
    case EALREADY: return Errno::kAlready;
    case EBADF: return Errno::kBadf;
    case EBADMSG: return Errno::kBadmsg;
    case EBUSY: return Errno::kBusy;
    case ECANCELED: return Errno::kCanceled;
    case ECHILD: return Errno::kChild;
    case ECONNABORTED: return Errno::kConnaborted;
    case ECONNREFUSED: return Errno::kConnrefused;
    case ECONNRESET: return Errno::kConnreset;
    case EDEADLK: return Errno::kDeadlk;
    case EDESTADDRREQ: return Errno::kDestaddrreq;
    case EDOM: return Errno::kDom;
    case EDQUOT: return Errno::kDquot;
    case EEXIST: return Errno::kExist;
    case EFAULT: return Errno::kFault;
    case EFBIG: return Errno::kFbig;
    case EHOSTUNREACH: return Errno::kHostunreach;
    case EIDRM: return Errno::kIdrm;
    case EILSEQ: return Errno::kIlseq;
    case EINPROGRESS: return Errno::kInprogress;
    case EINTR: return Errno::kIntr;
    case EINVAL: return Errno::kInval;
    case EIO: return Errno::kIo;
    case EISCONN: return Errno::kIsconn;
    case EISDIR: return Errno::kIsdir;
    case ELOOP: return Errno::kLoop;
    case EMFILE: return Errno::kMfile;
    case EMLINK: return Errno::kMlink;
    case EMSGSIZE: return Errno::kMsgsize;
    case EMULTIHOP: return Errno::kMultihop;
    case ENAMETOOLONG: return Errno::kNametoolong;
    case ENETDOWN: return Errno::kNetdown;
    case ENETRESET: return Errno::kNetreset;
    case ENETUNREACH: return Errno::kNetunreach;
    case ENFILE: return Errno::kNfile;
    case ENOBUFS: return Errno::kNobufs;
    case ENODEV: return Errno::kNodev;
    case ENOENT: return Errno::kNoent;
    case ENOEXEC: return Errno::kNoexec;
    case ENOLCK: return Errno::kNolck;
    case ENOLINK: return Errno::kNolink;
    case ENOMEM: return Errno::kNomem;
    case ENOMSG: return Errno::kNomsg;
    case ENOPROTOOPT: return Errno::kNoprotoopt;
    case ENOSPC: return Errno::kNospc;
    case ENOSYS: return Errno::kNosys;
    case ENOTCONN: return Errno::kNotconn;
    case ENOTDIR: return Errno::kNotdir;
    case ENOTEMPTY: return Errno::kNotempty;
    case ENOTRECOVERABLE: return Errno::kNotrecoverable;
    case ENOTSOCK: return Errno::kNotsock;
#if ENOTSUP != EOPNOTSUPP
    case EOPNOTSUPP: return Errno::kNotsup;
#endif
    case ENOTSUP: return Errno::kNotsup;
    case ENOTTY: return Errno::kNotty;
    case ENXIO: return Errno::kNxio;
    case EOVERFLOW: return Errno::kOverflow;
    case EOWNERDEAD: return Errno::kOwnerdead;
    case EPERM: return Errno::kPerm;
    case EPIPE: return Errno::kPipe;
    case EPROTO: return Errno::kProto;
    case EPROTONOSUPPORT: return Errno::kProtonosupport;
    case EPROTOTYPE: return Errno::kPrototype;
    case ERANGE: return Errno::kRange;
    case EROFS: return Errno::kRofs;
    case ESPIPE: return Errno::kSpipe;
    case ESRCH: return Errno::kSrch;
    case ESTALE: return Errno::kStale;
    case ETIMEDOUT: return Errno::kTimedout;
    case ETXTBSY: return Errno::kTxtbsy;
    case EXDEV: return Errno::kXdev;
    default:
#if EWOULDBLOCK != EAGAIN
      if (host_errno == EWOULDBLOCK) return Errno::kAgain;
#endif
#if defined(EDEADLOCK) && EDEADLOCK != EDEADLK
      if (host_errno == EDEADLOCK) return Errno::kDeadlk;
#endif
      return Errno::kIo;
  }
}

}  // namespace kiln::wasi
