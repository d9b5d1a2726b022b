# CMake toolchain file: Debian's clang 14 targeting wasm32-wasi (packages clang, lld, wasi-libc,
# libclang-rt-14-dev-wasm32, libc++-14-dev-wasm32, libc++abi-14-dev-wasm32; no --sysroot on Debian).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_C_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER clang++)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_FLAGS_INIT -fno-exceptions)
set(CMAKE_EXE_LINKER_FLAGS_INIT -Wl,--strip-debug)
