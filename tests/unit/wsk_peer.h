/* The Linux end of test_wsk's connections (wsk_peer.c): loopback TCP, ports in network order. */
#ifndef TEST_WSK_PEER_H
#define TEST_WSK_PEER_H
int peer_listen(unsigned short *port);
unsigned short peer_free_port(void); /* a loopback port nothing listens on */
int peer_accept(int listener, int timeout_ms);
long peer_recv(int fd, void *buf, unsigned long len, int timeout_ms);
long peer_send(int fd, const void *buf, unsigned long len);
void peer_close(int fd);
#endif
