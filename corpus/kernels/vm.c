// Kernel: a switch-dispatched stack-machine interpreter running a bytecode program (Collatz trajectories
// with a histogram in the VM's memory); measures br_table dispatch, an operand stack in memory and
// unpredictable indirect branches: the inner loop of an interpreter.
#include <stdint.h>

static volatile uint32_t limit = 1200;  // the program walks the trajectories of 1 .. limit-1

enum Op {
  kPush,   // push the next code word
  kLoad,   // push local[next word]
  kStore,  // pop into local[next word]
  kAdd,
  kSub,
  kMul,
  kAnd,
  kShr,
  kLt,     // pop b, a; push a < b
  kEq,
  kJump,   // to the next word
  kJumpIfZero,
  kJumpIfNotZero,
  kLoadMem,   // pop address; push memory[address & 255]
  kStoreMem,  // pop value, address; memory[address & 255] = value
  kDup,
  kHalt,
};

#define CODE_WORDS 128
static int32_t code[CODE_WORDS];
static uint32_t code_size;
static uint32_t memory[256];

static uint32_t emit(int32_t word) {
  code[code_size] = word;
  return code_size++;
}

// Locals: 0 = n, 1 = x (the trajectory), 2 = steps in total, 3 = the limit.
static void assemble(void) {
  code_size = 0;
  emit(kPush), emit(1), emit(kStore), emit(0);
  emit(kPush), emit(0), emit(kStore), emit(2);
  uint32_t outer = code_size;
  emit(kLoad), emit(0), emit(kLoad), emit(3), emit(kLt), emit(kJumpIfZero);
  uint32_t to_end = emit(0);
  emit(kLoad), emit(0), emit(kStore), emit(1);
  uint32_t inner = code_size;
  emit(kLoad), emit(1), emit(kPush), emit(1), emit(kEq), emit(kJumpIfNotZero);
  uint32_t to_next = emit(0);
  emit(kLoad), emit(1), emit(kPush), emit(1), emit(kAnd), emit(kJumpIfZero);
  uint32_t to_even = emit(0);
  emit(kLoad), emit(1), emit(kPush), emit(3), emit(kMul), emit(kPush), emit(1), emit(kAdd), emit(kStore), emit(1);
  emit(kJump);
  uint32_t to_count = emit(0);
  code[to_even] = (int32_t)code_size;
  emit(kLoad), emit(1), emit(kPush), emit(1), emit(kShr), emit(kStore), emit(1);
  code[to_count] = (int32_t)code_size;
  // memory[x & 255] += 1; steps += 1
  emit(kLoad), emit(1), emit(kDup), emit(kLoadMem), emit(kPush), emit(1), emit(kAdd), emit(kStoreMem);
  emit(kLoad), emit(2), emit(kPush), emit(1), emit(kAdd), emit(kStore), emit(2);
  emit(kJump), emit((int32_t)inner);
  code[to_next] = (int32_t)code_size;
  emit(kLoad), emit(0), emit(kPush), emit(1), emit(kAdd), emit(kStore), emit(0);
  emit(kJump), emit((int32_t)outer);
  code[to_end] = (int32_t)code_size;
  emit(kLoad), emit(2), emit(kHalt);
}

static uint32_t execute(uint32_t limit_value) {
  uint32_t stack[16], locals[4] = {0, 0, 0, limit_value};
  uint32_t sp = 0, pc = 0;
  for (;;) {
    int32_t op = code[pc++];
    switch (op) {
      case kPush: stack[sp++] = (uint32_t)code[pc++]; break;
      case kLoad: stack[sp++] = locals[code[pc++]]; break;
      case kStore: locals[code[pc++]] = stack[--sp]; break;
      case kAdd: --sp; stack[sp - 1] += stack[sp]; break;
      case kSub: --sp; stack[sp - 1] -= stack[sp]; break;
      case kMul: --sp; stack[sp - 1] *= stack[sp]; break;
      case kAnd: --sp; stack[sp - 1] &= stack[sp]; break;
      case kShr: --sp; stack[sp - 1] >>= stack[sp] & 31; break;
      case kLt: --sp; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case kEq: --sp; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case kJump: pc = (uint32_t)code[pc]; break;
      case kJumpIfZero: pc = stack[--sp] == 0 ? (uint32_t)code[pc] : pc + 1; break;
      case kJumpIfNotZero: pc = stack[--sp] != 0 ? (uint32_t)code[pc] : pc + 1; break;
      case kLoadMem: stack[sp - 1] = memory[stack[sp - 1] & 255]; break;
      case kStoreMem: sp -= 2; memory[stack[sp] & 255] = stack[sp + 1]; break;
      case kDup: stack[sp] = stack[sp - 1]; ++sp; break;
      case kHalt: return stack[sp - 1];
      default: return 0xFFFFFFFFu;  // a bad opcode: cannot happen with the assembler above
    }
    sp &= 15;  // keeps every stack access in bounds whatever the program does
  }
}

uint32_t run(void) {
  for (int i = 0; i < 256; ++i) memory[i] = 0;
  assemble();
  uint32_t checksum = execute(limit);
  for (int i = 0; i < 256; ++i) checksum = checksum * 31u + memory[i];
  return checksum & INT32_MAX;
}
