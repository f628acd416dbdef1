/*
 * Float workload for the FPv4-SP unit: per round, a Mandelbrot escape-count grid, a small n-body
 * step loop (VSQRT, VDIV) and Horner polynomial evaluation, with inputs nudged every round.
 * Single precision only, no libm calls (built with -fno-math-errno so sqrtf is VSQRT).
 */
#include <stdint.h>
#include <string.h>
#include "workload.h"

#define GRID 24
#define MAX_ESCAPE 48
#define BODIES 4
#define STEPS 16

static uint32_t bits(float f)
{
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static uint32_t mandelbrot(float shift)
{
  uint32_t total = 0;
  for (int py = 0; py < GRID; py++) {
    float ci = -1.25f + 2.5f * (float)py / (float)GRID + shift;
    for (int px = 0; px < GRID; px++) {
      float cr = -2.0f + 2.75f * (float)px / (float)GRID;
      float zr = 0.0f, zi = 0.0f;
      int n = 0;
      while (n < MAX_ESCAPE && zr * zr + zi * zi <= 4.0f) {
        float t = zr * zr - zi * zi + cr;
        zi = 2.0f * zr * zi + ci;
        zr = t;
        n++;
      }
      total += (uint32_t)n;
    }
  }
  return total;
}

typedef struct {
  float x, y, z, vx, vy, vz, mass;
} Body;

static uint32_t nbody(float nudge)
{
  Body b[BODIES] = {
    {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 40.0f},
    {4.8f + nudge, -1.2f, -0.1f, 0.6f, 2.8f, -0.02f, 0.04f},
    {8.3f, 4.1f - nudge, -0.4f, -1.0f, 1.8f, 0.008f, 0.011f},
    {12.9f, -15.1f, -0.2f + nudge, 1.08f, 0.86f, -0.01f, 0.0017f},
  };
  const float dt = 0.01f;
  for (int step = 0; step < STEPS; step++) {
    for (int i = 0; i < BODIES; i++) {
      for (int j = i + 1; j < BODIES; j++) {
        float dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
        float d2 = dx * dx + dy * dy + dz * dz;
        float mag = dt / (d2 * __builtin_sqrtf(d2));
        b[i].vx -= dx * b[j].mass * mag;
        b[i].vy -= dy * b[j].mass * mag;
        b[i].vz -= dz * b[j].mass * mag;
        b[j].vx += dx * b[i].mass * mag;
        b[j].vy += dy * b[i].mass * mag;
        b[j].vz += dz * b[i].mass * mag;
      }
    }
    for (int i = 0; i < BODIES; i++) {
      b[i].x += dt * b[i].vx;
      b[i].y += dt * b[i].vy;
      b[i].z += dt * b[i].vz;
    }
  }
  uint32_t hash = 0;
  for (int i = 0; i < BODIES; i++) hash = (hash << 5 | hash >> 27) ^ bits(b[i].x) ^ bits(b[i].y) ^ bits(b[i].vz);
  return hash;
}

static uint32_t polynomial(float offset)
{
  static const float c[] = {0.5f, -1.25f, 0.75f, 2.0f, -0.125f, 0.0625f, -3.0f, 1.0f, 0.25f};
  float sum = 0.0f;
  for (int i = 0; i < 64; i++) {
    float x = (float)(i - 32) * 0.03125f + offset;
    float y = c[0];
    for (unsigned k = 1; k < sizeof c / sizeof c[0]; k++) y = y * x + c[k];
    sum += y / (1.0f + x * x);
  }
  return bits(sum) ^ (uint32_t)(int32_t)(sum * 16.0f);
}

uint32_t bench_float_workload(uint32_t iterations)
{
  uint32_t checksum = 0;
  for (uint32_t round = 0; round < iterations; round++) {
    float nudge = (float)(round % 64u) * 0.001f;
    checksum = (checksum << 7 | checksum >> 25) ^ mandelbrot(nudge);
    checksum += nbody(nudge);
    checksum ^= polynomial(nudge);
  }
  return checksum;
}
