// Kernel: an unbalanced binary search tree of heap-allocated-style nodes: inserts, lookups, deletions of
// minimums and an in-order walk; measures pointer chasing through struct fields and data-dependent branches.
#include <stdint.h>

#define NODES 40000u
static volatile uint32_t lookups = 200000;
static volatile uint32_t passes = 1;

struct Node {
  uint32_t key;
  uint32_t value;
  struct Node* left;
  struct Node* right;
};

static struct Node pool[NODES];
static uint32_t pool_used;
static struct Node* root;
static uint32_t seed;

static uint32_t next_random(void) {
  seed ^= seed << 13;  // xorshift32
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed;
}

// Inserts key, or adds value to the node that has it already.
static void insert(uint32_t key, uint32_t value) {
  struct Node** link = &root;
  while (*link) {
    struct Node* node = *link;
    if (key == node->key) {
      node->value += value;
      return;
    }
    link = key < node->key ? &node->left : &node->right;
  }
  struct Node* node = &pool[pool_used++];
  node->key = key;
  node->value = value;
  node->left = node->right = 0;
  *link = node;
}

static const struct Node* find(uint32_t key) {
  const struct Node* node = root;
  while (node && node->key != key) node = key < node->key ? node->left : node->right;
  return node;
}

// Unlinks the smallest node and returns its value.
static uint32_t remove_min(void) {
  struct Node** link = &root;
  while ((*link)->left) link = &(*link)->left;
  struct Node* node = *link;
  *link = node->right;
  return node->value;
}

static uint32_t walk(const struct Node* node, uint32_t hash) {
  while (node) {
    hash = walk(node->left, hash);
    hash = (hash ^ node->key ^ node->value) * 16777619u;
    node = node->right;
  }
  return hash;
}

uint32_t run(void) {
  uint32_t checksum = 0;
  for (uint32_t pass = 0; pass < passes; ++pass) {
    pool_used = 0;
    root = 0;
    seed = 2463534242u + pass;
    for (uint32_t i = 0; i < NODES; ++i) insert(next_random() % (4 * NODES), i);
    uint32_t found = 0, sum = 0;
    for (uint32_t i = 0; i < lookups; ++i) {
      const struct Node* node = find(next_random() % (4 * NODES));
      if (node) {
        ++found;
        sum += node->value;
      }
    }
    for (uint32_t i = 0; i < NODES / 8; ++i) sum += remove_min();
    checksum = checksum * 31u + walk(root, found) + sum + pool_used;
  }
  return checksum & INT32_MAX;
}
