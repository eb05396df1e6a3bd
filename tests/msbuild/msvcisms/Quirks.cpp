// C++ as NetKVM writes it, which MSVC accepts and clang refuses as written: the deleting
// destructor of a class with a virtual destructor needs its base's private operator delete
// (CNdisAllocatableBase), and "u16(x)" is a functional cast to two words.
#include <ndis.h>

#define u16 unsigned short

class PoolOnly
{
  protected:
    PoolOnly() {}
    ~PoolOnly() {}

  private:
    void operator delete(void *) {}
};

class Counter : public PoolOnly
{
  public:
    explicit Counter(int Start) : Value(Start) {}
    virtual ~Counter() {}
    virtual int Next() { return ++Value; }

  private:
    int Value;
};

extern "C" int QuirksCheck(long Wide)
{
    Counter c(2);
    return u16(Wide) + c.Next(); // 0x10005 -> 5, and 3
}
