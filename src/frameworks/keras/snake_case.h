// Keras' own class-name-to-snake-case rule (keras.src.utils.naming.to_snake_case), which names
// a layer's group in a Keras 3 `.weights.h5` file ("Conv2D" -> "conv2d", "ReLU" -> "re_lu").
#pragma once

#include <string>
#include <string_view>

namespace nnport::frameworks::keras {

std::string to_snake_case(std::string_view class_name);

}  // namespace nnport::frameworks::keras
