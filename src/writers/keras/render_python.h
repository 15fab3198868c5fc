// Renders the layer records as one idiomatic Python module: a builder function returning a
// keras.Sequential for plain chains, otherwise a functional keras.Model.
#pragma once

#include <string>

#include "writers/keras/layer_record.h"

namespace nnport::writers::keras {

struct PythonHeader {
  bool tf_keras = false;
  std::string source_name;       // for the header comment
  std::string source_framework;  // "pytorch"
};

std::string render_python(const RecordList& list, const PythonHeader& header);

}  // namespace nnport::writers::keras
