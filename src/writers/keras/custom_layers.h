// Python source of the small custom Keras layers nnport defines in a generated module when no
// built-in layer fits (a stored tensor added to or prepended to a sequence).
#pragma once

#include <string>
#include <string_view>

namespace nnport::writers::keras {

// The class definition (with its serialization registration), or "" for an unknown name.
std::string custom_layer_source(std::string_view class_name, bool tf_keras);

}  // namespace nnport::writers::keras
