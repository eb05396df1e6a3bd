/* OpenNDIS: ws2def.h, the socket address types kernel sockets (wsk.h) take: address
 * families, socket types, protocols, SOCKADDR_IN/IN6/STORAGE and control-message headers,
 * with the Windows values and x64 layouts (checked at the end). Written from the Winsock
 * reference; AF_INET6 is 23 here, as on Windows. */
#ifndef OPENNDIS_WS2DEF_H
#define OPENNDIS_WS2DEF_H
#include <ntdef.h>

OPENNDIS_EXTERN_C_BEGIN

typedef USHORT ADDRESS_FAMILY;
#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 23

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3

typedef enum {
    IPPROTO_IP = 0,
    IPPROTO_ICMP = 1,
    IPPROTO_TCP = 6,
    IPPROTO_UDP = 17,
    IPPROTO_IPV6 = 41,
    IPPROTO_ICMPV6 = 58,
    IPPROTO_RAW = 255
} IPPROTO, *PIPPROTO;

/* socket options (level SOL_SOCKET) */
#define SOL_SOCKET 0xffff
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_BROADCAST 0x0020
#define SO_SNDBUF 0x1001
#define SO_RCVBUF 0x1002
#define SO_EXCLUSIVEADDRUSE ((int)(~SO_REUSEADDR))
#define WSK_SO_BASE 0x4000
#define TCP_NODELAY 0x0001

typedef struct sockaddr {
    ADDRESS_FAMILY sa_family;
    CHAR sa_data[14];
} SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

typedef struct in_addr {
    union {
        struct {
            UCHAR s_b1, s_b2, s_b3, s_b4;
        } S_un_b;
        struct {
            USHORT s_w1, s_w2;
        } S_un_w;
        ULONG S_addr;
    } S_un;
} IN_ADDR, *PIN_ADDR;
#define s_addr S_un.S_addr
#define INADDR_ANY ((ULONG)0x00000000)
#define INADDR_LOOPBACK 0x7f000001
#define INADDR_BROADCAST ((ULONG)0xffffffff)

typedef struct sockaddr_in {
    ADDRESS_FAMILY sin_family;
    USHORT sin_port; /* network order */
    IN_ADDR sin_addr;
    CHAR sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN;

typedef struct in6_addr {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR;

typedef struct {
    union {
        struct {
            ULONG Zone : 28;
            ULONG Level : 4;
        };
        ULONG Value;
    };
} SCOPE_ID, *PSCOPE_ID;

typedef struct sockaddr_in6 {
    ADDRESS_FAMILY sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    IN6_ADDR sin6_addr;
    union {
        ULONG sin6_scope_id;
        SCOPE_ID sin6_scope_struct;
    };
} SOCKADDR_IN6, *PSOCKADDR_IN6;

typedef struct sockaddr_storage {
    ADDRESS_FAMILY ss_family;
    CHAR __ss_pad1[6];
    LONGLONG __ss_align;
    CHAR __ss_pad2[112];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE;

/* control information (ancillary data) */
typedef struct _WSACMSGHDR {
    SIZE_T cmsg_len;
    INT cmsg_level;
    INT cmsg_type;
} WSACMSGHDR, *PWSACMSGHDR, CMSGHDR, *PCMSGHDR;

OPENNDIS_EXTERN_C_END

C_ASSERT(sizeof(SOCKADDR) == 16 && sizeof(SOCKADDR_IN) == 16 && offsetof(SOCKADDR_IN, sin_addr) == 4);
C_ASSERT(sizeof(SOCKADDR_IN6) == 28 && offsetof(SOCKADDR_IN6, sin6_addr) == 8 &&
         offsetof(SOCKADDR_IN6, sin6_scope_id) == 24);
C_ASSERT(sizeof(SOCKADDR_STORAGE) == 128 && sizeof(CMSGHDR) == 16);

#endif /* OPENNDIS_WS2DEF_H */
