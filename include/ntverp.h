/* ntverp.h: the version of Windows the WDK builds for, which drivers put in their version
 * resources and sometimes in their code. OpenNDIS says Windows 10.0, build 19041. */
#ifndef OPENNDIS_NTVERP_H
#define OPENNDIS_NTVERP_H

#define VER_PRODUCTMAJORVERSION 10
#define VER_PRODUCTMINORVERSION 0
#define VER_PRODUCTBUILD 19041
#define VER_PRODUCTBUILD_QFE 1
#define VER_PRODUCTVERSION_MAJORMINOR1 10, 0
#define VER_PRODUCTVERSION_MAJORMINOR2 10.0
#define VER_PRODUCTVERSION VER_PRODUCTMAJORVERSION, VER_PRODUCTMINORVERSION, VER_PRODUCTBUILD, VER_PRODUCTBUILD_QFE
#define VER_PRODUCTVERSION_W 0x0A00
#define VER_PRODUCTVERSION_DW 0x0A000000
#define VER_PRODUCTVERSION_STR "10.0.19041.1"
#define VER_PRODUCTNAME_STR "Microsoft\251 Windows\256 Operating System"
#define VER_COMPANYNAME_STR "Microsoft Corporation"
#define VER_LEGALCOPYRIGHT_STR "\251 Microsoft Corporation. All rights reserved."

#endif
