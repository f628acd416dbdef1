/*
 * tests/cxx: C++ on the core with libstdc++ — static constructors run before main in order
 * (via .init_array and __libc_init_array), exceptions thrown through several frames and caught by
 * base class, destructors run during unwinding (ARM EHABI tables in .ARM.exidx), rethrow,
 * catch (...), and a few standard library containers.
 */
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include "check.h"
}

namespace {

// ---- static constructors -------------------------------------------------------------------
char construction_log[8];
unsigned constructed;

struct Registrar {
  explicit Registrar(char tag) : tag(tag) { construction_log[constructed++] = tag; }
  char tag;
};

Registrar first('A');
Registrar second('B');
const std::string greeting = std::string("hello, ") + "static world";
int computed_at_startup = [] { return static_cast<int>(greeting.size()) * 3; }();

// ---- exceptions ----------------------------------------------------------------------------
unsigned live_guards;
unsigned destroyed_guards;

struct Guard {
  Guard() { live_guards++; }
  ~Guard() { live_guards--; destroyed_guards++; }
};

struct AppError : std::runtime_error {
  AppError(const char *what, int code) : std::runtime_error(what), code(code) {}
  int code;
};

[[gnu::noinline]] void level3(int code)
{
  Guard g;
  if (code != 0) throw AppError("level3 failed", code);
}

[[gnu::noinline]] void level2(int code)
{
  Guard g;
  std::vector<int> scratch(16, code);
  level3(scratch[5]);
}

[[gnu::noinline]] int level1(int code)
{
  Guard g;
  level2(code);
  return 1;
}

void exceptions()
{
  try {
    level1(7);
    check_true("throw reached the handler", 0);
  } catch (const std::exception &e) {
    check_true("caught as std::exception", 1);
    check_true("what() is \"level3 failed\"", std::string(e.what()) == "level3 failed");
    const AppError *app = dynamic_cast<const AppError *>(&e);
    check_u32("dynamic_cast to AppError gives code", app ? static_cast<uint32_t>(app->code) : 0u, 7u);
  }
  check_u32("guards destroyed while unwinding", destroyed_guards, 3u);
  check_u32("no guard left alive", live_guards, 0u);

  check_u32("no throw: level1 returns", static_cast<uint32_t>(level1(0)), 1u);

  int stage = 0;
  try {
    try {
      level1(3);
    } catch (const AppError &) {
      stage = 1;
      throw; // rethrow the same object
    }
  } catch (const AppError &e) {
    stage = stage * 10 + e.code;
  }
  check_u32("rethrow reaches the outer handler", static_cast<uint32_t>(stage), 13u);

  try {
    throw 42;
  } catch (const char *) {
    stage = -1;
  } catch (...) {
    stage = 99;
  }
  check_u32("catch (...) takes an int", static_cast<uint32_t>(stage), 99u);

  try {
    std::vector<int> v(3);
    (void)v.at(10);
  } catch (const std::out_of_range &) {
    stage = 5;
  }
  check_u32("vector::at throws out_of_range", static_cast<uint32_t>(stage), 5u);
}

// ---- library -------------------------------------------------------------------------------
struct Shape {
  virtual ~Shape() = default;
  virtual int area() const = 0;
};
struct Rect : Shape {
  Rect(int w, int h) : w(w), h(h) {}
  int area() const override { return w * h; }
  int w, h;
};
struct Square : Rect {
  explicit Square(int s) : Rect(s, s) {}
};

void library()
{
  std::vector<std::unique_ptr<Shape>> shapes;
  shapes.push_back(std::make_unique<Rect>(3, 4));
  shapes.push_back(std::make_unique<Square>(5));
  int total = 0;
  for (const auto &s : shapes) total += s->area();
  check_u32("virtual calls through unique_ptr", static_cast<uint32_t>(total), 37u);

  std::map<std::string, int> counts;
  for (const char *w : {"flash", "sram", "flash", "ccm", "flash"}) counts[w]++;
  std::string joined;
  for (const auto &kv : counts) joined += kv.first + "=" + std::to_string(kv.second) + " ";
  std::printf("map in key order: %s\n", joined.c_str());
  check_true("std::map orders keys", joined == "ccm=1 flash=3 sram=1 ");
}

} // namespace

int main()
{
  std::printf("static constructors ran in order: %.*s\n", static_cast<int>(constructed), construction_log);
  check_u32("static constructors ran", constructed, 2u);
  check_true("first before second", construction_log[0] == 'A' && construction_log[1] == 'B');
  check_true("static std::string built", greeting == "hello, static world");
  check_u32("initialiser used the string", static_cast<uint32_t>(computed_at_startup), 57u);
  exceptions();
  library();
  return check_summary("cxx");
}
