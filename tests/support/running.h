// A module decoded, validated and instantiated in its own store, for tests that call its exports.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "kiln/decode/decode.h"
#include "kiln/interp/interp.h"
#include "kiln/validate/validate.h"

namespace kiln::test {

// The error's message, or nothing: doctest evaluates a message even for a
// passing check when it reports successes (-s).
template <typename T>
std::string why(const Result<T>& result) {
  return result.ok() ? std::string() : result.error().message;
}

// The default features with one more switch on, e.g. features_with(&Features::exceptions).
inline Features features_with(bool Features::*feature) {
  Features f;
  f.*feature = true;
  return f;
}

struct RunningModule {
  Store store;
  Instance* instance = nullptr;

  RunningModule(std::vector<uint8_t> wasm, const Features& features) {
    auto module = decode_module(std::move(wasm), features);
    REQUIRE_MESSAGE(module.ok(), why(module));
    auto info = validate_module(*module);
    REQUIRE_MESSAGE(info.ok(), why(info));
    auto made = instantiate(store, std::make_shared<const Module>(std::move(module).value()),
                            std::make_shared<const ModuleInfo>(std::move(info).value()), Linker{});
    REQUIRE_MESSAGE(made.ok(), why(made));
    instance = *made;
  }

  CallOutcome call(const std::string& name, std::vector<Value> args = {}) {
    FuncInstance* f = instance->export_func(name);
    REQUIRE(f != nullptr);
    return call_function(*f, args);
  }
};

}  // namespace kiln::test
