// Native bulk harness for hwgen (verification only): a Verilated design driven from C++, no cocotb,
// no timing. The design-specific part (port assignments, field sizes, latency, clock and reset) is in
// the generated "hwgen_ports.h"; this file is the same for every design.
//
// Vectors travel as columns: one column per layout field (scalar port, array element, or 64-bit
// slice of a wide port), each a little-endian array of 1, 2, 4 or 8 bytes per vector.
//
// Modes (results go to stdout as output columns):
//   stream             repeat: read a uint64 count n (0 or end of input stops), then n input vectors as
//                      columns; simulate them from reset and write n output vectors as columns.
//   count LO N CHUNK   enumerate the flat input indices LO .. LO+N-1 (field 0 in the most significant
//                      bits), from one reset; write the results CHUNK vectors at a time.
//   bench N            as count 0 N, but discard the results and print vectors/s of the loop to stderr.
//
// Inputs of vector j are applied before clock edge j; the outputs sampled just before edge j+LATENCY
// are its results (for latency 0, the combinational result): the timing of the HDL bulk wrapper.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "verilated.h"
#include "Vdut.h"
#include "hwgen_ports.h"

double sc_time_stamp() { return 0; }

namespace {

struct Columns {
    std::vector<std::vector<uint8_t>> data;
    std::vector<uint8_t*> ptr;
    Columns(const size_t* sizes, int count, size_t n) : data(count), ptr(count) {
        for (int i = 0; i < count; i++) {
            data[i].resize(sizes[i] * (n ? n : 1));
            ptr[i] = data[i].data();
        }
    }
};

void die(const char* what) {
    std::fprintf(stderr, "hwgen native harness: %s\n", what);
    std::exit(3);
}

bool read_all(void* buf, size_t bytes) {
    return bytes == 0 || std::fread(buf, 1, bytes, stdin) == bytes;
}

void write_columns(const Columns& c, const size_t* sizes, int count, size_t n) {
    for (int i = 0; i < count; i++)
        if (n && std::fwrite(c.ptr[i], sizes[i], n, stdout) != n) die("cannot write results");
}

inline void edge(Vdut* top) {
#if HWGEN_HAS_CLOCK
    top->clk = 1;
    top->eval();
    top->clk = 0;
#else
    (void)top;
#endif
}

void reset(Vdut* top) {
    set_zero(top);
#if HWGEN_HAS_RESET
    top->rst = 1;
#endif
#if HWGEN_HAS_CLOCK
    top->clk = 0;
    top->eval();
    edge(top);
    top->eval();
    edge(top);
#endif
#if HWGEN_HAS_RESET
    top->rst = 0;
#endif
    top->eval();
}

int run_stream(Vdut* top) {
    uint64_t n;
    while (std::fread(&n, sizeof n, 1, stdin) == 1 && n) {
        Columns in(HWGEN_IN_SIZE, HWGEN_N_IN, n), out(HWGEN_OUT_SIZE, HWGEN_N_OUT, n);
        for (int i = 0; i < HWGEN_N_IN; i++)
            if (!read_all(in.ptr[i], HWGEN_IN_SIZE[i] * n)) die("truncated input");
        reset(top);
        for (uint64_t j = 0; j < n + HWGEN_LATENCY; j++) {
            if (j < n) set_inputs(top, in.ptr.data(), j); else set_zero(top);
            top->eval();
            if (j >= HWGEN_LATENCY) get_outputs(top, out.ptr.data(), j - HWGEN_LATENCY);
            edge(top);
        }
        write_columns(out, HWGEN_OUT_SIZE, HWGEN_N_OUT, n);
        std::fflush(stdout);
    }
    return 0;
}

int run_count(Vdut* top, uint64_t lo, uint64_t n, uint64_t chunk, bool keep) {
    if (chunk == 0) die("chunk must be positive");
    Columns out(HWGEN_OUT_SIZE, HWGEN_N_OUT, chunk);
    reset(top);
    uint64_t filled = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (uint64_t j = 0; j < n + HWGEN_LATENCY; j++) {
        if (j < n) set_counter(top, lo + j); else set_zero(top);
        top->eval();
        if (j >= HWGEN_LATENCY) {
            get_outputs(top, out.ptr.data(), filled);
            if (++filled == chunk) {
                if (keep) write_columns(out, HWGEN_OUT_SIZE, HWGEN_N_OUT, filled);
                filled = 0;
            }
        }
        edge(top);
    }
    if (keep) {
        write_columns(out, HWGEN_OUT_SIZE, HWGEN_N_OUT, filled);
        std::fflush(stdout);
    } else {
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        // Print one output field so the loop cannot be optimised away.
        std::fprintf(stderr, "%llu vectors in %.3f s: %.0f vectors/s (last field byte %u)\n",
                     (unsigned long long)n, s, n / s, (unsigned)out.ptr[0][0]);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->debug(0);
    ctx->randReset(0);  // registers start at zero, as in the HDL wrapper's simulators
    auto top = std::make_unique<Vdut>(ctx.get(), "dut");
    static char buf[1 << 20];
    std::setvbuf(stdout, buf, _IOFBF, sizeof buf);
    if (argc >= 2 && !std::strcmp(argv[1], "stream")) return run_stream(top.get());
    if (argc == 5 && !std::strcmp(argv[1], "count"))
        return run_count(top.get(), std::strtoull(argv[2], nullptr, 10), std::strtoull(argv[3], nullptr, 10),
                         std::strtoull(argv[4], nullptr, 10), true);
    if (argc == 3 && !std::strcmp(argv[1], "bench"))
        return run_count(top.get(), 0, std::strtoull(argv[2], nullptr, 10), 1 << 16, false);
    std::fprintf(stderr, "usage: %s stream | count LO N CHUNK | bench N\n", argv[0]);
    return 2;
}
