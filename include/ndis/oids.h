/* OpenNDIS: OID codes, the flag words their buffers carry, and the small enumerations the
 * OID structures use. Values are the published ntddndis.h/ndis.h/ifdef.h ones (confirmed
 * against the SDK metadata constant tables). OIDs are defined whatever the NDIS contract:
 * a driver's own #if NDIS_SUPPORT_NDISxxx guards still decide what it handles. */
#ifndef OPENNDIS_NDIS_OIDS_H
#define OPENNDIS_NDIS_OIDS_H

#include <ntddndis.h>

/* ---- general: required query/set OIDs --------------------------------------------- */
#define OID_GEN_SUPPORTED_LIST                      0x00010101
#define OID_GEN_HARDWARE_STATUS                     0x00010102
#define OID_GEN_MEDIA_SUPPORTED                     0x00010103
#define OID_GEN_MEDIA_IN_USE                        0x00010104
#define OID_GEN_MAXIMUM_LOOKAHEAD                   0x00010105
#define OID_GEN_MAXIMUM_FRAME_SIZE                  0x00010106
#define OID_GEN_LINK_SPEED                          0x00010107
#define OID_GEN_TRANSMIT_BUFFER_SPACE               0x00010108
#define OID_GEN_RECEIVE_BUFFER_SPACE                0x00010109
#define OID_GEN_TRANSMIT_BLOCK_SIZE                 0x0001010A
#define OID_GEN_RECEIVE_BLOCK_SIZE                  0x0001010B
#define OID_GEN_VENDOR_ID                           0x0001010C
#define OID_GEN_VENDOR_DESCRIPTION                  0x0001010D
#define OID_GEN_CURRENT_PACKET_FILTER               0x0001010E
#define OID_GEN_CURRENT_LOOKAHEAD                   0x0001010F
#define OID_GEN_DRIVER_VERSION                      0x00010110
#define OID_GEN_MAXIMUM_TOTAL_SIZE                  0x00010111
#define OID_GEN_PROTOCOL_OPTIONS                    0x00010112
#define OID_GEN_MAC_OPTIONS                         0x00010113
#define OID_GEN_MEDIA_CONNECT_STATUS                0x00010114
#define OID_GEN_MAXIMUM_SEND_PACKETS                0x00010115
#define OID_GEN_VENDOR_DRIVER_VERSION               0x00010116
#define OID_GEN_SUPPORTED_GUIDS                     0x00010117
#define OID_GEN_NETWORK_LAYER_ADDRESSES             0x00010118
#define OID_GEN_TRANSPORT_HEADER_OFFSET             0x00010119
#define OID_GEN_MACHINE_NAME                        0x0001021A
#define OID_GEN_RNDIS_CONFIG_PARAMETER              0x0001021B
#define OID_GEN_VLAN_ID                             0x0001021C

/* ---- general: optional and NDIS 6 query/set OIDs ---------------------------------- */
#define OID_GEN_MEDIA_CAPABILITIES                  0x00010201
#define OID_GEN_PHYSICAL_MEDIUM                     0x00010202
#define OID_GEN_RECEIVE_SCALE_CAPABILITIES          0x00010203
#define OID_GEN_RECEIVE_SCALE_PARAMETERS            0x00010204
#define OID_GEN_MAC_ADDRESS                         0x00010205
#define OID_GEN_MAX_LINK_SPEED                      0x00010206
#define OID_GEN_LINK_STATE                          0x00010207
#define OID_GEN_LINK_PARAMETERS                     0x00010208
#define OID_GEN_INTERRUPT_MODERATION                0x00010209
#define OID_GEN_NDIS_RESERVED_3                     0x0001020A
#define OID_GEN_NDIS_RESERVED_4                     0x0001020B
#define OID_GEN_NDIS_RESERVED_5                     0x0001020C
#define OID_GEN_ENUMERATE_PORTS                     0x0001020D
#define OID_GEN_PORT_STATE                          0x0001020E
#define OID_GEN_PORT_AUTHENTICATION_PARAMETERS      0x0001020F
#define OID_GEN_TIMEOUT_DPC_REQUEST_CAPABILITIES    0x00010210
#define OID_GEN_PCI_DEVICE_CUSTOM_PROPERTIES        0x00010211
#define OID_GEN_NDIS_RESERVED_6                     0x00010212
#define OID_GEN_PHYSICAL_MEDIUM_EX                  0x00010213
#define OID_GEN_RECEIVE_SCALE_PARAMETERS_V2         0x00010214
#define OID_GEN_MINIPORT_RESTART_ATTRIBUTES         0x0001021D
#define OID_GEN_RECEIVE_HASH                        0x0001021F
#define OID_GEN_RSS_SET_INDIRECTION_TABLE_ENTRIES   0x000102C0
#define OID_GEN_ISOLATION_PARAMETERS                0x00010300

/* ---- general: interface (IF-MIB) queries that NDIS answers for the miniport ------- */
#define OID_GEN_PROMISCUOUS_MODE                    0x00010280
#define OID_GEN_LAST_CHANGE                         0x00010281
#define OID_GEN_DISCONTINUITY_TIME                  0x00010282
#define OID_GEN_OPERATIONAL_STATUS                  0x00010283
#define OID_GEN_XMIT_LINK_SPEED                     0x00010284
#define OID_GEN_RCV_LINK_SPEED                      0x00010285
#define OID_GEN_UNKNOWN_PROTOS                      0x00010286
#define OID_GEN_INTERFACE_INFO                      0x00010287
#define OID_GEN_ADMIN_STATUS                        0x00010288
#define OID_GEN_ALIAS                               0x00010289
#define OID_GEN_MEDIA_CONNECT_STATUS_EX             0x0001028A
#define OID_GEN_LINK_SPEED_EX                       0x0001028B
#define OID_GEN_MEDIA_DUPLEX_STATE                  0x0001028C
#define OID_GEN_IP_OPER_STATUS                      0x0001028D

/* ---- general statistics ----------------------------------------------------------- */
#define OID_GEN_XMIT_OK                             0x00020101
#define OID_GEN_RCV_OK                              0x00020102
#define OID_GEN_XMIT_ERROR                          0x00020103
#define OID_GEN_RCV_ERROR                           0x00020104
#define OID_GEN_RCV_NO_BUFFER                       0x00020105
#define OID_GEN_STATISTICS                          0x00020106
#define OID_GEN_DIRECTED_BYTES_XMIT                 0x00020201
#define OID_GEN_DIRECTED_FRAMES_XMIT                0x00020202
#define OID_GEN_MULTICAST_BYTES_XMIT                0x00020203
#define OID_GEN_MULTICAST_FRAMES_XMIT               0x00020204
#define OID_GEN_BROADCAST_BYTES_XMIT                0x00020205
#define OID_GEN_BROADCAST_FRAMES_XMIT               0x00020206
#define OID_GEN_DIRECTED_BYTES_RCV                  0x00020207
#define OID_GEN_DIRECTED_FRAMES_RCV                 0x00020208
#define OID_GEN_MULTICAST_BYTES_RCV                 0x00020209
#define OID_GEN_MULTICAST_FRAMES_RCV                0x0002020A
#define OID_GEN_BROADCAST_BYTES_RCV                 0x0002020B
#define OID_GEN_BROADCAST_FRAMES_RCV                0x0002020C
#define OID_GEN_RCV_CRC_ERROR                       0x0002020D
#define OID_GEN_TRANSMIT_QUEUE_LENGTH               0x0002020E
#define OID_GEN_GET_TIME_CAPS                       0x0002020F
#define OID_GEN_GET_NETCARD_TIME                    0x00020210
#define OID_GEN_NETCARD_LOAD                        0x00020211
#define OID_GEN_DEVICE_PROFILE                      0x00020212
#define OID_GEN_INIT_TIME_MS                        0x00020213
#define OID_GEN_RESET_COUNTS                        0x00020214
#define OID_GEN_MEDIA_SENSE_COUNTS                  0x00020215
#define OID_GEN_FRIENDLY_NAME                       0x00020216
#define OID_GEN_NDIS_RESERVED_1                     0x00020217
#define OID_GEN_NDIS_RESERVED_2                     0x00020218
#define OID_GEN_BYTES_RCV                           0x00020219
#define OID_GEN_BYTES_XMIT                          0x0002021A
#define OID_GEN_RCV_DISCARDS                        0x0002021B
#define OID_GEN_XMIT_DISCARDS                       0x0002021C
#define OID_TCP_RSC_STATISTICS                      0x0002021D

/* ---- 802.3 (Ethernet) ------------------------------------------------------------- */
#define OID_802_3_PERMANENT_ADDRESS                 0x01010101
#define OID_802_3_CURRENT_ADDRESS                   0x01010102
#define OID_802_3_MULTICAST_LIST                    0x01010103
#define OID_802_3_MAXIMUM_LIST_SIZE                 0x01010104
#define OID_802_3_MAC_OPTIONS                       0x01010105
#define OID_802_3_ADD_MULTICAST_ADDRESS             0x01010208
#define OID_802_3_DELETE_MULTICAST_ADDRESS          0x01010209
#define OID_802_3_RCV_ERROR_ALIGNMENT               0x01020101
#define OID_802_3_XMIT_ONE_COLLISION                0x01020102
#define OID_802_3_XMIT_MORE_COLLISIONS              0x01020103
#define OID_802_3_XMIT_DEFERRED                     0x01020201
#define OID_802_3_XMIT_MAX_COLLISIONS               0x01020202
#define OID_802_3_RCV_OVERRUN                       0x01020203
#define OID_802_3_XMIT_UNDERRUN                     0x01020204
#define OID_802_3_XMIT_HEARTBEAT_FAILURE            0x01020205
#define OID_802_3_XMIT_TIMES_CRS_LOST               0x01020206
#define OID_802_3_XMIT_LATE_COLLISIONS              0x01020207

#define NDIS_802_3_MAC_OPTION_PRIORITY              0x00000001

/* ---- PnP power (NDIS 6.0/6.1 wake-up model) --------------------------------------- */
#define OID_PNP_CAPABILITIES                        0xFD010100
#define OID_PNP_SET_POWER                           0xFD010101
#define OID_PNP_QUERY_POWER                         0xFD010102
#define OID_PNP_ADD_WAKE_UP_PATTERN                 0xFD010103
#define OID_PNP_REMOVE_WAKE_UP_PATTERN              0xFD010104
#define OID_PNP_WAKE_UP_PATTERN_LIST                0xFD010105
#define OID_PNP_ENABLE_WAKE_UP                      0xFD010106
#define OID_PNP_WAKE_UP_OK                          0xFD020200
#define OID_PNP_WAKE_UP_ERROR                       0xFD020201

/* OID_PNP_ENABLE_WAKE_UP buffer and NDIS_PNP_CAPABILITIES.Flags */
#define NDIS_DEVICE_WAKE_UP_ENABLE                  0x00000001
#define NDIS_DEVICE_WAKE_ON_PATTERN_MATCH_ENABLE    0x00000002
#define NDIS_DEVICE_WAKE_ON_MAGIC_PACKET_ENABLE     0x00000004

#define NDIS_PNP_WAKE_UP_MAGIC_PACKET               0x00000001
#define NDIS_PNP_WAKE_UP_PATTERN_MATCH              0x00000002
#define NDIS_PNP_WAKE_UP_LINK_CHANGE                0x00000004

/* ---- power management (NDIS 6.20 and later) --------------------------------------- */
#define OID_PM_CURRENT_CAPABILITIES                 0xFD010107
#define OID_PM_HARDWARE_CAPABILITIES                0xFD010108
#define OID_PM_PARAMETERS                           0xFD010109
#define OID_PM_ADD_WOL_PATTERN                      0xFD01010A
#define OID_PM_REMOVE_WOL_PATTERN                   0xFD01010B
#define OID_PM_WOL_PATTERN_LIST                     0xFD01010C
#define OID_PM_ADD_PROTOCOL_OFFLOAD                 0xFD01010D
#define OID_PM_GET_PROTOCOL_OFFLOAD                 0xFD01010E
#define OID_PM_REMOVE_PROTOCOL_OFFLOAD              0xFD01010F
#define OID_PM_PROTOCOL_OFFLOAD_LIST                0xFD010110
#define OID_PM_RESERVED_1                           0xFD010111

/* NDIS_PM_CAPABILITIES.Flags (6.30) */
#define NDIS_PM_WAKE_PACKET_INDICATION_SUPPORTED    0x00000001
#define NDIS_PM_SELECTIVE_SUSPEND_SUPPORTED         0x00000002

/* NDIS_PM_CAPABILITIES.SupportedWoLPacketPatterns / NDIS_PM_PARAMETERS.EnabledWoLPacketPatterns */
#define NDIS_PM_WOL_BITMAP_PATTERN_SUPPORTED            0x00000001
#define NDIS_PM_WOL_MAGIC_PACKET_SUPPORTED              0x00000002
#define NDIS_PM_WOL_IPV4_TCP_SYN_SUPPORTED              0x00000004
#define NDIS_PM_WOL_IPV6_TCP_SYN_SUPPORTED              0x00000008
#define NDIS_PM_WOL_IPV4_DEST_ADDR_WILDCARD_SUPPORTED   0x00000200
#define NDIS_PM_WOL_IPV6_DEST_ADDR_WILDCARD_SUPPORTED   0x00000800
#define NDIS_PM_WOL_EAPOL_REQUEST_ID_MESSAGE_SUPPORTED  0x00010000

#define NDIS_PM_WOL_BITMAP_PATTERN_ENABLED              0x00000001
#define NDIS_PM_WOL_MAGIC_PACKET_ENABLED                0x00000002
#define NDIS_PM_WOL_IPV4_TCP_SYN_ENABLED                0x00000004
#define NDIS_PM_WOL_IPV6_TCP_SYN_ENABLED                0x00000008
#define NDIS_PM_WOL_IPV4_DEST_ADDR_WILDCARD_ENABLED     0x00000200
#define NDIS_PM_WOL_IPV6_DEST_ADDR_WILDCARD_ENABLED     0x00000800
#define NDIS_PM_WOL_EAPOL_REQUEST_ID_MESSAGE_ENABLED    0x00010000

/* SupportedProtocolOffloads / EnabledProtocolOffloads */
#define NDIS_PM_PROTOCOL_OFFLOAD_ARP_SUPPORTED          0x00000001
#define NDIS_PM_PROTOCOL_OFFLOAD_NS_SUPPORTED           0x00000002
#define NDIS_PM_PROTOCOL_OFFLOAD_80211_RSN_REKEY_SUPPORTED 0x00000080
#define NDIS_PM_PROTOCOL_OFFLOAD_ARP_ENABLED            0x00000001
#define NDIS_PM_PROTOCOL_OFFLOAD_NS_ENABLED             0x00000002
#define NDIS_PM_PROTOCOL_OFFLOAD_80211_RSN_REKEY_ENABLED 0x00000080

/* SupportedWakeUpEvents (6.30) and NDIS_PM_PARAMETERS.WakeUpFlags */
#define NDIS_PM_WAKE_ON_MEDIA_CONNECT_SUPPORTED         0x00000001
#define NDIS_PM_WAKE_ON_MEDIA_DISCONNECT_SUPPORTED      0x00000002
#define NDIS_PM_WAKE_ON_LINK_CHANGE_ENABLED             0x00000001
#define NDIS_PM_WAKE_ON_MEDIA_DISCONNECT_ENABLED        0x00000002
#define NDIS_PM_SELECTIVE_SUSPEND_ENABLED               0x00000010

/* MediaSpecificWakeUpEvents (6.30): the SUPPORTED and ENABLED bits coincide */
#define NDIS_WLAN_WAKE_ON_NLO_DISCOVERY_SUPPORTED           0x00000001
#define NDIS_WLAN_WAKE_ON_AP_ASSOCIATION_LOST_SUPPORTED     0x00000002
#define NDIS_WLAN_WAKE_ON_GTK_HANDSHAKE_ERROR_SUPPORTED     0x00000004
#define NDIS_WLAN_WAKE_ON_4WAY_HANDSHAKE_REQUEST_SUPPORTED  0x00000008
#define NDIS_WLAN_WAKE_ON_NLO_DISCOVERY_ENABLED             0x00000001
#define NDIS_WLAN_WAKE_ON_AP_ASSOCIATION_LOST_ENABLED       0x00000002
#define NDIS_WLAN_WAKE_ON_GTK_HANDSHAKE_ERROR_ENABLED       0x00000004
#define NDIS_WLAN_WAKE_ON_4WAY_HANDSHAKE_REQUEST_ENABLED    0x00000008
#define NDIS_WWAN_WAKE_ON_REGISTER_STATE_SUPPORTED          0x00000001
#define NDIS_WWAN_WAKE_ON_SMS_RECEIVE_SUPPORTED             0x00000002
#define NDIS_WWAN_WAKE_ON_USSD_RECEIVE_SUPPORTED            0x00000004
#define NDIS_WWAN_WAKE_ON_PACKET_STATE_SUPPORTED            0x00000008
#define NDIS_WWAN_WAKE_ON_UICC_CHANGE_SUPPORTED             0x00000010
#define NDIS_WWAN_WAKE_ON_REGISTER_STATE_ENABLED            0x00000001
#define NDIS_WWAN_WAKE_ON_SMS_RECEIVE_ENABLED               0x00000002
#define NDIS_WWAN_WAKE_ON_USSD_RECEIVE_ENABLED              0x00000004
#define NDIS_WWAN_WAKE_ON_PACKET_STATE_ENABLED              0x00000008
#define NDIS_WWAN_WAKE_ON_UICC_CHANGE_ENABLED               0x00000010

/* ---- task offload ----------------------------------------------------------------- */
#define OID_OFFLOAD_ENCAPSULATION                   0x0101010A
#define OID_TCP_TASK_OFFLOAD                        0xFC010201
#define OID_TCP_TASK_IPSEC_ADD_SA                   0xFC010202
#define OID_TCP_TASK_IPSEC_DELETE_SA                0xFC010203
#define OID_TCP_SAN_SUPPORT                         0xFC010204
#define OID_TCP_TASK_IPSEC_ADD_UDPESP_SA            0xFC010205
#define OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA         0xFC010206
#define OID_TCP4_OFFLOAD_STATS                      0xFC010207
#define OID_TCP6_OFFLOAD_STATS                      0xFC010208
#define OID_IP4_OFFLOAD_STATS                       0xFC010209
#define OID_IP6_OFFLOAD_STATS                       0xFC01020A
#define OID_TCP_OFFLOAD_CURRENT_CONFIG              0xFC01020B
#define OID_TCP_OFFLOAD_PARAMETERS                  0xFC01020C
#define OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES       0xFC01020D
#define OID_TCP_CONNECTION_OFFLOAD_CURRENT_CONFIG   0xFC01020E
#define OID_TCP_CONNECTION_OFFLOAD_HARDWARE_CAPABILITIES 0xFC01020F
#define OID_TCP_CONNECTION_OFFLOAD_PARAMETERS       0xFC030201

/* ---- receive filtering / VMQ (NDIS 6.20) ------------------------------------------ */
#define OID_RECEIVE_FILTER_HARDWARE_CAPABILITIES    0x00010221
#define OID_RECEIVE_FILTER_GLOBAL_PARAMETERS        0x00010222
#define OID_RECEIVE_FILTER_ALLOCATE_QUEUE           0x00010223
#define OID_RECEIVE_FILTER_FREE_QUEUE               0x00010224
#define OID_RECEIVE_FILTER_ENUM_QUEUES              0x00010225
#define OID_RECEIVE_FILTER_QUEUE_PARAMETERS         0x00010226
#define OID_RECEIVE_FILTER_SET_FILTER               0x00010227
#define OID_RECEIVE_FILTER_CLEAR_FILTER             0x00010228
#define OID_RECEIVE_FILTER_ENUM_FILTERS             0x00010229
#define OID_RECEIVE_FILTER_PARAMETERS               0x0001022A
#define OID_RECEIVE_FILTER_QUEUE_ALLOCATION_COMPLETE 0x0001022B
#define OID_RECEIVE_FILTER_CURRENT_CAPABILITIES     0x0001022D

/* ---- NIC switch (SR-IOV, NDIS 6.30) ----------------------------------------------- */
#define OID_NIC_SWITCH_HARDWARE_CAPABILITIES        0x0001022E
#define OID_NIC_SWITCH_CURRENT_CAPABILITIES         0x0001022F
#define OID_NIC_SWITCH_CREATE_SWITCH                0x00010237
#define OID_NIC_SWITCH_PARAMETERS                   0x00010238
#define OID_NIC_SWITCH_DELETE_SWITCH                0x00010239
#define OID_NIC_SWITCH_ENUM_SWITCHES                0x00010240
#define OID_NIC_SWITCH_CREATE_VPORT                 0x00010241
#define OID_NIC_SWITCH_VPORT_PARAMETERS             0x00010242
#define OID_NIC_SWITCH_ENUM_VPORTS                  0x00010243
#define OID_NIC_SWITCH_DELETE_VPORT                 0x00010244
#define OID_NIC_SWITCH_ALLOCATE_VF                  0x00010245
#define OID_NIC_SWITCH_FREE_VF                      0x00010246
#define OID_NIC_SWITCH_VF_PARAMETERS                0x00010247
#define OID_NIC_SWITCH_ENUM_VFS                     0x00010248

/* ---- QoS (DCB, NDIS 6.30) --------------------------------------------------------- */
#define OID_QOS_PARAMETERS                          0xFC050003

/* ---- packet filter (OID_GEN_CURRENT_PACKET_FILTER) -------------------------------- */
#define NDIS_PACKET_TYPE_DIRECTED                   0x00000001
#define NDIS_PACKET_TYPE_MULTICAST                  0x00000002
#define NDIS_PACKET_TYPE_ALL_MULTICAST              0x00000004
#define NDIS_PACKET_TYPE_BROADCAST                  0x00000008
#define NDIS_PACKET_TYPE_SOURCE_ROUTING             0x00000010
#define NDIS_PACKET_TYPE_PROMISCUOUS                0x00000020
#define NDIS_PACKET_TYPE_SMT                        0x00000040
#define NDIS_PACKET_TYPE_ALL_LOCAL                  0x00000080
#define NDIS_PACKET_TYPE_GROUP                      0x00001000
#define NDIS_PACKET_TYPE_ALL_FUNCTIONAL             0x00002000
#define NDIS_PACKET_TYPE_FUNCTIONAL                 0x00004000
#define NDIS_PACKET_TYPE_MAC_FRAME                  0x00008000
#define NDIS_PACKET_TYPE_NO_LOCAL                   0x00010000

/* ---- OID_GEN_MAC_OPTIONS ---------------------------------------------------------- */
#define NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA         0x00000001
#define NDIS_MAC_OPTION_RECEIVE_SERIALIZED          0x00000002
#define NDIS_MAC_OPTION_TRANSFERS_NOT_PEND          0x00000004
#define NDIS_MAC_OPTION_NO_LOOPBACK                 0x00000008
#define NDIS_MAC_OPTION_FULL_DUPLEX                 0x00000010
#define NDIS_MAC_OPTION_EOTX_INDICATION             0x00000020
#define NDIS_MAC_OPTION_8021P_PRIORITY              0x00000040
#define NDIS_MAC_OPTION_SUPPORTS_MAC_ADDRESS_OVERWRITE 0x00000080
#define NDIS_MAC_OPTION_RECEIVE_AT_DPC              0x00000100
#define NDIS_MAC_OPTION_8021Q_VLAN                  0x00000200
#define NDIS_MAC_OPTION_RESERVED                    0x80000000

/* ---- OID_GEN_PROTOCOL_OPTIONS and OID_GEN_MEDIA_CAPABILITIES ---------------------- */
#define NDIS_PROT_OPTION_ESTIMATED_LENGTH           0x00000001
#define NDIS_PROT_OPTION_NO_LOOPBACK                0x00000002
#define NDIS_PROT_OPTION_NO_RSVD_ON_RCVPKT          0x00000004
#define NDIS_PROT_OPTION_SEND_RESTRICTED            0x00000008

#define NDIS_MEDIA_CAP_TRANSMIT                     0x00000001
#define NDIS_MEDIA_CAP_RECEIVE                      0x00000002

/* ---- general attributes SupportedStatistics: which statistics OIDs the miniport answers */
#define NDIS_STATISTICS_XMIT_OK_SUPPORTED               0x00000001
#define NDIS_STATISTICS_RCV_OK_SUPPORTED                0x00000002
#define NDIS_STATISTICS_XMIT_ERROR_SUPPORTED            0x00000004
#define NDIS_STATISTICS_RCV_ERROR_SUPPORTED             0x00000008
#define NDIS_STATISTICS_RCV_NO_BUFFER_SUPPORTED         0x00000010
#define NDIS_STATISTICS_DIRECTED_BYTES_XMIT_SUPPORTED   0x00000020
#define NDIS_STATISTICS_DIRECTED_FRAMES_XMIT_SUPPORTED  0x00000040
#define NDIS_STATISTICS_MULTICAST_BYTES_XMIT_SUPPORTED  0x00000080
#define NDIS_STATISTICS_MULTICAST_FRAMES_XMIT_SUPPORTED 0x00000100
#define NDIS_STATISTICS_BROADCAST_BYTES_XMIT_SUPPORTED  0x00000200
#define NDIS_STATISTICS_BROADCAST_FRAMES_XMIT_SUPPORTED 0x00000400
#define NDIS_STATISTICS_DIRECTED_BYTES_RCV_SUPPORTED    0x00000800
#define NDIS_STATISTICS_DIRECTED_FRAMES_RCV_SUPPORTED   0x00001000
#define NDIS_STATISTICS_MULTICAST_BYTES_RCV_SUPPORTED   0x00002000
#define NDIS_STATISTICS_MULTICAST_FRAMES_RCV_SUPPORTED  0x00004000
#define NDIS_STATISTICS_BROADCAST_BYTES_RCV_SUPPORTED   0x00008000
#define NDIS_STATISTICS_BROADCAST_FRAMES_RCV_SUPPORTED  0x00010000
#define NDIS_STATISTICS_RCV_CRC_ERROR_SUPPORTED         0x00020000
#define NDIS_STATISTICS_TRANSMIT_QUEUE_LENGTH_SUPPORTED 0x00040000
#define NDIS_STATISTICS_BYTES_RCV_SUPPORTED             0x00080000
#define NDIS_STATISTICS_BYTES_XMIT_SUPPORTED            0x00100000
#define NDIS_STATISTICS_RCV_DISCARDS_SUPPORTED          0x00200000
#define NDIS_STATISTICS_GEN_STATISTICS_SUPPORTED        0x00400000
#define NDIS_STATISTICS_XMIT_DISCARDS_SUPPORTED         0x08000000

/* ---- NDIS_STATISTICS_INFO.SupportedStatistics: which counters in the block are valid */
#define NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV     0x00000001
#define NDIS_STATISTICS_FLAGS_VALID_MULTICAST_FRAMES_RCV    0x00000002
#define NDIS_STATISTICS_FLAGS_VALID_BROADCAST_FRAMES_RCV    0x00000004
#define NDIS_STATISTICS_FLAGS_VALID_BYTES_RCV               0x00000008
#define NDIS_STATISTICS_FLAGS_VALID_RCV_DISCARDS            0x00000010
#define NDIS_STATISTICS_FLAGS_VALID_RCV_ERROR               0x00000020
#define NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_XMIT    0x00000040
#define NDIS_STATISTICS_FLAGS_VALID_MULTICAST_FRAMES_XMIT   0x00000080
#define NDIS_STATISTICS_FLAGS_VALID_BROADCAST_FRAMES_XMIT   0x00000100
#define NDIS_STATISTICS_FLAGS_VALID_BYTES_XMIT              0x00000200
#define NDIS_STATISTICS_FLAGS_VALID_XMIT_ERROR              0x00000400
#define NDIS_STATISTICS_FLAGS_VALID_XMIT_DISCARDS           0x00008000
#define NDIS_STATISTICS_FLAGS_VALID_DIRECTED_BYTES_RCV      0x00010000
#define NDIS_STATISTICS_FLAGS_VALID_MULTICAST_BYTES_RCV     0x00020000
#define NDIS_STATISTICS_FLAGS_VALID_BROADCAST_BYTES_RCV     0x00040000
#define NDIS_STATISTICS_FLAGS_VALID_DIRECTED_BYTES_XMIT     0x00080000
#define NDIS_STATISTICS_FLAGS_VALID_MULTICAST_BYTES_XMIT    0x00100000
#define NDIS_STATISTICS_FLAGS_VALID_BROADCAST_BYTES_XMIT    0x00200000

/* ---- link state: auto-negotiation flags, speeds, address lengths ------------------ */
#define NDIS_LINK_STATE_XMIT_LINK_SPEED_AUTO_NEGOTIATED     0x00000001
#define NDIS_LINK_STATE_RCV_LINK_SPEED_AUTO_NEGOTIATED      0x00000002
#define NDIS_LINK_STATE_DUPLEX_AUTO_NEGOTIATED              0x00000004
#define NDIS_LINK_STATE_PAUSE_FUNCTIONS_AUTO_NEGOTIATED     0x00000008

/* All ones in a 64-bit speed: "unknown". */
#define NET_IF_LINK_SPEED_UNKNOWN                   ((ULONG64)(-1))
#define NDIS_LINK_SPEED_UNKNOWN                     NET_IF_LINK_SPEED_UNKNOWN

#define IF_MAX_PHYS_ADDRESS_LENGTH                  32
#define NDIS_MAX_PHYS_ADDRESS_LENGTH                IF_MAX_PHYS_ADDRESS_LENGTH
#define ETH_LENGTH_OF_ADDRESS                       6

/* ---- interface types (IANA ifType numbers, ipifcons.h names) ---------------------- */
#define IF_TYPE_OTHER                               1
#define IF_TYPE_ETHERNET_CSMACD                     6
#define IF_TYPE_ISO88025_TOKENRING                  9
#define IF_TYPE_FDDI                                15
#define IF_TYPE_PPP                                 23
#define IF_TYPE_SOFTWARE_LOOPBACK                   24
#define IF_TYPE_ATM                                 37
#define IF_TYPE_PROP_VIRTUAL                        53
#define IF_TYPE_IEEE80211                           71
#define IF_TYPE_TUNNEL                              131
#define IF_TYPE_IEEE1394                            144
#define IF_TYPE_IEEE80216_WMAN                      237
#define IF_TYPE_WWANPP                              243
#define IF_TYPE_WWANPP2                             244
#define IF_TYPE_IEEE802154                          259

/* ---- interface (ifdef.h) enumerations --------------------------------------------- */
typedef enum _NET_IF_ACCESS_TYPE {
    NET_IF_ACCESS_LOOPBACK = 1,
    NET_IF_ACCESS_BROADCAST = 2,
    NET_IF_ACCESS_POINT_TO_POINT = 3,
    NET_IF_ACCESS_POINT_TO_MULTI_POINT = 4,
    NET_IF_ACCESS_MAXIMUM = 5
} NET_IF_ACCESS_TYPE, *PNET_IF_ACCESS_TYPE;

typedef enum _NET_IF_DIRECTION_TYPE {
    NET_IF_DIRECTION_SENDRECEIVE = 0,
    NET_IF_DIRECTION_SENDONLY = 1,
    NET_IF_DIRECTION_RECEIVEONLY = 2,
    NET_IF_DIRECTION_MAXIMUM = 3
} NET_IF_DIRECTION_TYPE, *PNET_IF_DIRECTION_TYPE;

typedef enum _NET_IF_CONNECTION_TYPE {
    NET_IF_CONNECTION_DEDICATED = 1,
    NET_IF_CONNECTION_PASSIVE = 2,
    NET_IF_CONNECTION_DEMAND = 3,
    NET_IF_CONNECTION_MAXIMUM = 4
} NET_IF_CONNECTION_TYPE, *PNET_IF_CONNECTION_TYPE;

/* NDIS names these NDIS_MEDIA_CONNECT_STATE / NDIS_MEDIA_DUPLEX_STATE (aliases below). */
typedef enum _NET_IF_MEDIA_CONNECT_STATE {
    MediaConnectStateUnknown = 0,
    MediaConnectStateConnected = 1,
    MediaConnectStateDisconnected = 2
} NET_IF_MEDIA_CONNECT_STATE, *PNET_IF_MEDIA_CONNECT_STATE;

typedef enum _NET_IF_MEDIA_DUPLEX_STATE {
    MediaDuplexStateUnknown = 0,
    MediaDuplexStateHalf = 1,
    MediaDuplexStateFull = 2
} NET_IF_MEDIA_DUPLEX_STATE, *PNET_IF_MEDIA_DUPLEX_STATE;

typedef NET_IF_MEDIA_CONNECT_STATE NDIS_MEDIA_CONNECT_STATE, *PNDIS_MEDIA_CONNECT_STATE;
typedef NET_IF_MEDIA_DUPLEX_STATE NDIS_MEDIA_DUPLEX_STATE, *PNDIS_MEDIA_DUPLEX_STATE;

/* ---- NDIS enumerations carried in OID buffers ------------------------------------- */
/* OID_GEN_MEDIA_CONNECT_STATUS (the pre-6.0 form of MediaConnectState) */
typedef enum _NDIS_MEDIA_STATE {
    NdisMediaStateConnected = 0,
    NdisMediaStateDisconnected = 1
} NDIS_MEDIA_STATE, *PNDIS_MEDIA_STATE;

/* OID_GEN_HARDWARE_STATUS */
typedef enum _NDIS_HARDWARE_STATUS {
    NdisHardwareStatusReady = 0,
    NdisHardwareStatusInitializing = 1,
    NdisHardwareStatusReset = 2,
    NdisHardwareStatusClosing = 3,
    NdisHardwareStatusNotReady = 4
} NDIS_HARDWARE_STATUS, *PNDIS_HARDWARE_STATUS;

/* OID_GEN_PHYSICAL_MEDIUM; numbering has gaps in meaning but none in value */
typedef enum _NDIS_PHYSICAL_MEDIUM {
    NdisPhysicalMediumUnspecified = 0,
    NdisPhysicalMediumWirelessLan = 1,
    NdisPhysicalMediumCableModem = 2,
    NdisPhysicalMediumPhoneLine = 3,
    NdisPhysicalMediumPowerLine = 4,
    NdisPhysicalMediumDSL = 5,
    NdisPhysicalMediumFibreChannel = 6,
    NdisPhysicalMedium1394 = 7,
    NdisPhysicalMediumWirelessWan = 8,
    NdisPhysicalMediumNative802_11 = 9,
    NdisPhysicalMediumBluetooth = 10,
    NdisPhysicalMediumInfiniband = 11,
    NdisPhysicalMediumWiMax = 12,
    NdisPhysicalMediumUWB = 13,
    NdisPhysicalMedium802_3 = 14,
    NdisPhysicalMedium802_5 = 15,
    NdisPhysicalMediumIrda = 16,
    NdisPhysicalMediumWiredWAN = 17,
    NdisPhysicalMediumWiredCoWan = 18,
    NdisPhysicalMediumOther = 19,
    NdisPhysicalMediumNative802_15_4 = 20,
    NdisPhysicalMediumMax = 21
} NDIS_PHYSICAL_MEDIUM, *PNDIS_PHYSICAL_MEDIUM;

/* OID_PNP_SET_POWER / OID_PNP_QUERY_POWER and the wake-up capabilities */
typedef enum _NDIS_DEVICE_POWER_STATE {
    NdisDeviceStateUnspecified = 0,
    NdisDeviceStateD0 = 1,
    NdisDeviceStateD1 = 2,
    NdisDeviceStateD2 = 3,
    NdisDeviceStateD3 = 4,
    NdisDeviceStateMaximum = 5
} NDIS_DEVICE_POWER_STATE, *PNDIS_DEVICE_POWER_STATE;

/* IEEE 802.3 pause frames (link state, link parameters, general attributes) */
typedef enum _NDIS_SUPPORTED_PAUSE_FUNCTIONS {
    NdisPauseFunctionsUnsupported = 0,
    NdisPauseFunctionsSendOnly = 1,
    NdisPauseFunctionsReceiveOnly = 2,
    NdisPauseFunctionsSendAndReceive = 3,
    NdisPauseFunctionsUnknown = 4
} NDIS_SUPPORTED_PAUSE_FUNCTIONS, *PNDIS_SUPPORTED_PAUSE_FUNCTIONS;

/* OID_GEN_INTERRUPT_MODERATION; only Enabled/Disabled are valid in a set */
typedef enum _NDIS_INTERRUPT_MODERATION {
    NdisInterruptModerationUnknown = 0,
    NdisInterruptModerationNotSupported = 1,
    NdisInterruptModerationEnabled = 2,
    NdisInterruptModerationDisabled = 3
} NDIS_INTERRUPT_MODERATION, *PNDIS_INTERRUPT_MODERATION;

/* NDIS_OID_REQUEST.RequestType. Open..Generic4 are NDIS 5 leftovers (current WDKs hide
 * them behind NDIS_INCLUDE_LEGACY_NAMES); they are kept so the numbering is explicit. */
typedef enum _NDIS_REQUEST_TYPE {
    NdisRequestQueryInformation = 0,
    NdisRequestSetInformation = 1,
    NdisRequestQueryStatistics = 2,
    NdisRequestOpen = 3,
    NdisRequestClose = 4,
    NdisRequestSend = 5,
    NdisRequestTransferData = 6,
    NdisRequestReset = 7,
    NdisRequestGeneric1 = 8,
    NdisRequestGeneric2 = 9,
    NdisRequestGeneric3 = 10,
    NdisRequestGeneric4 = 11,
    NdisRequestMethod = 12
} NDIS_REQUEST_TYPE, *PNDIS_REQUEST_TYPE;

/* ---- layout checks against the Windows x64 ABI (enums are 32-bit there) ------------ */
C_ASSERT(sizeof(NET_IF_ACCESS_TYPE) == 4 && sizeof(NET_IF_MEDIA_CONNECT_STATE) == 4);
C_ASSERT(sizeof(NDIS_PHYSICAL_MEDIUM) == 4 && sizeof(NDIS_DEVICE_POWER_STATE) == 4);
C_ASSERT(sizeof(NDIS_SUPPORTED_PAUSE_FUNCTIONS) == 4 && sizeof(NDIS_REQUEST_TYPE) == 4);
C_ASSERT(sizeof(NDIS_INTERRUPT_MODERATION) == 4 && sizeof(NDIS_HARDWARE_STATUS) == 4);

#endif /* OPENNDIS_NDIS_OIDS_H */
