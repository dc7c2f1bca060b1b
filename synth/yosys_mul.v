// Baseline for `hwgen compare`: Yosys' own multiplier, a behavioural a*b left entirely to the synthesis
// script (Booth or array mapping, then ABC). Hand-written on purpose: it is the reference, not generated.
// W is the operand width; S = 1 makes operands and product two's complement.
module yosys_mul #(parameter W = 8, parameter S = 0) (
    input  wire [W-1:0]   a,
    input  wire [W-1:0]   b,
    output wire [2*W-1:0] p
);
  generate
    if (S) begin : g_signed
      assign p = $signed(a) * $signed(b);
    end else begin : g_unsigned
      assign p = a * b;
    end
  endgenerate
endmodule
