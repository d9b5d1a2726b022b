// Kernel: the five-body (Sun and gas giants) gravity simulation in f64; measures double-precision
// multiplies, divides and square roots on fields of an array of structs.
#include <stdint.h>

#define BODIES 5
static volatile uint32_t steps = 60000;

struct Body {
  double x, y, z, vx, vy, vz, mass;
};

static const double kPi = 3.141592653589793;
static const double kSolarMass = 4.0 * kPi * kPi;
static const double kDaysPerYear = 365.24;

static struct Body bodies[BODIES];

static void reset(void) {
  static const struct Body kStart[BODIES] = {
      {0, 0, 0, 0, 0, 0, 1},  // the Sun; its mass and velocity are set below
      {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03,
       7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04},
      {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03,
       4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04},
      {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03,
       2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05},
      {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03,
       1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05},
  };
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < BODIES; ++i) {
    bodies[i] = kStart[i];
    if (i == 0) continue;
    bodies[i].vx *= kDaysPerYear;
    bodies[i].vy *= kDaysPerYear;
    bodies[i].vz *= kDaysPerYear;
    bodies[i].mass *= kSolarMass;
    px += bodies[i].vx * bodies[i].mass;
    py += bodies[i].vy * bodies[i].mass;
    pz += bodies[i].vz * bodies[i].mass;
  }
  // Zero the system's momentum through the Sun.
  bodies[0].mass = kSolarMass;
  bodies[0].vx = -px / kSolarMass;
  bodies[0].vy = -py / kSolarMass;
  bodies[0].vz = -pz / kSolarMass;
}

static void advance(double dt) {
  for (int i = 0; i < BODIES; ++i) {
    struct Body* a = &bodies[i];
    for (int j = i + 1; j < BODIES; ++j) {
      struct Body* b = &bodies[j];
      double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double magnitude = dt / (d2 * __builtin_sqrt(d2));
      a->vx -= dx * b->mass * magnitude;
      a->vy -= dy * b->mass * magnitude;
      a->vz -= dz * b->mass * magnitude;
      b->vx += dx * a->mass * magnitude;
      b->vy += dy * a->mass * magnitude;
      b->vz += dz * a->mass * magnitude;
    }
  }
  for (int i = 0; i < BODIES; ++i) {
    bodies[i].x += dt * bodies[i].vx;
    bodies[i].y += dt * bodies[i].vy;
    bodies[i].z += dt * bodies[i].vz;
  }
}

static double energy(void) {
  double e = 0;
  for (int i = 0; i < BODIES; ++i) {
    const struct Body* a = &bodies[i];
    e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
    for (int j = i + 1; j < BODIES; ++j) {
      const struct Body* b = &bodies[j];
      double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
      e -= a->mass * b->mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static uint64_t double_bits(double d) {
  union {
    double d;
    uint64_t u;
  } pun = {d};
  return pun.u;
}

// Bit-exact everywhere: no fused multiply-add in wasm or in the plain x86-64 native build, and square
// root is correctly rounded in both.
uint64_t run(void) {
  reset();
  uint64_t checksum = double_bits(energy());
  for (uint32_t step = 0; step < steps; ++step) advance(0.01);
  checksum = checksum * 31u + double_bits(energy());
  for (int i = 0; i < BODIES; ++i) checksum = checksum * 31u + double_bits(bodies[i].x);
  return checksum & INT64_MAX;
}
