/* pshpack8.h: structures that follow are packed to 8 bytes, until poppack.h. No include guard:
 * drivers include it once per packed region. */
#if defined(__clang__) /* that a header changes the packing is its purpose here */
#pragma clang diagnostic ignored "-Wpragma-pack"
#endif
#pragma pack(push, 8)
