// torch.nn.LSTM / GRU / RNN -> pivot lstm / gru / rnn: constructor signatures (torch 1.13+).
// `batch_first` is not a pivot attribute: the reader reads it from the instance and inserts
// transposes so the pivot op is always batch-first (see readers/pytorch/recurrent_call.cc).
#include "frameworks/pytorch/rows.h"
#include "pivot/ops/catalog.h"

namespace nnport::frameworks::pytorch {

using namespace rows;
using pivot::OpKind;

namespace convert {
std::string rnn_nonlinearity(const ArgContext& ctx, pivot::Attrs& attrs) {
  if (!ctx.value.is_string() || (ctx.value.s != "tanh" && ctx.value.s != "relu"))
    return "argument 'nonlinearity' = " + ctx.value.repr().substr(0, 60) +
           " is not supported (PyTorch accepts only 'tanh' or 'relu')";
  attrs["nonlinearity"] = ctx.value.s;
  return {};
}
}  // namespace convert

std::vector<OpRow> recurrent_rows() {
  auto row = [](std::string symbol, OpKind kind) {
    OpRow r{std::move(symbol), kind, 0, {}, {}};
    r.args = {required("input_size", convert::to_int, "input_size"),
              required("hidden_size", convert::to_int, "hidden_size"),
              optional("num_layers", I(1), convert::to_int, "num_layers")};
    if (kind == OpKind::Rnn)
      r.args.push_back(optional("nonlinearity", S("tanh"), convert::rnn_nonlinearity));
    r.args.push_back(optional("bias", B(true), convert::to_bool, "bias"));
    r.args.push_back(optional("batch_first", B(false), convert::to_bool, "batch_first"));
    r.args.push_back(optional("dropout", F(0.0), convert::to_float, "dropout"));
    r.args.push_back(optional("bidirectional", B(false), convert::to_bool, "bidirectional"));
    // proj_size != 0 (LSTM with projections) changes h's size and adds weight_hr: no Keras layer.
    if (kind == OpKind::Lstm) r.args.push_back(default_only("proj_size", I(0)));
    r.args.push_back(ignored("device"));
    r.args.push_back(ignored("dtype"));
    return r;
  };
  std::vector<OpRow> rows;
  rows.push_back(row("torch.nn.LSTM", OpKind::Lstm));
  rows.push_back(row("torch.nn.GRU", OpKind::Gru));
  rows.push_back(row("torch.nn.RNN", OpKind::Rnn));
  return rows;
}

}  // namespace nnport::frameworks::pytorch
