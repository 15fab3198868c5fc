// PyTorch rows of the sub-pixel shuffles: nn.PixelShuffle / nn.PixelUnshuffle and their
// functions. PyTorch orders a block's channels c*r*r + i*r + j, the pivot's mode 'CRD'; the
// rows fix that mode, so the writer spells only CRD nodes with them (a TensorFlow-order 'DCR'
// node is written as an explicit reshape/permute, writers/pytorch/expressions.cc).
#include "frameworks/pytorch/rows.h"

namespace nnport::frameworks::pytorch {

using namespace rows;
using pivot::OpKind;

namespace {

OpRow shuffle(std::string symbol, OpKind kind, const char* factor) {
  return OpRow{std::move(symbol),
               kind,
               0,
               {required(factor, convert::to_int, "blocksize")},
               {{"mode", std::string("CRD")}}};
}

}  // namespace

std::vector<OpRow> block_shuffle_layer_rows() {
  return {shuffle("torch.nn.PixelShuffle", OpKind::DepthToSpace, "upscale_factor"),
          shuffle("torch.nn.PixelUnshuffle", OpKind::SpaceToDepth, "downscale_factor")};
}

std::vector<OpRow> block_shuffle_function_rows() {
  std::vector<OpRow> t;
  for (const char* s : {"torch.nn.functional.pixel_shuffle", "torch.pixel_shuffle"})
    t.push_back(shuffle(s, OpKind::DepthToSpace, "upscale_factor"));
  for (const char* s : {"torch.nn.functional.pixel_unshuffle", "torch.pixel_unshuffle"})
    t.push_back(shuffle(s, OpKind::SpaceToDepth, "downscale_factor"));
  return t;
}

}  // namespace nnport::frameworks::pytorch
