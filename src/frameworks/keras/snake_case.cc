// Reimplements, without regex, Keras' three substitutions:
//   re.sub(r"\W+", "", name); re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name);
//   re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
#include "frameworks/keras/snake_case.h"

#include <cctype>

namespace nnport::frameworks::keras {
namespace {

bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool lower(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

std::string to_snake_case(std::string_view class_name) {
  std::string name;
  for (char c : class_name)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') name.push_back(c);

  // (.)([A-Z][a-z]+): non-overlapping, left to right; the (.) consumes one character.
  std::string first;
  size_t i = 0;
  while (i < name.size()) {
    if (i + 2 < name.size() && upper(name[i + 1]) && lower(name[i + 2])) {
      size_t end = i + 2;
      while (end < name.size() && lower(name[end])) ++end;
      first.push_back(name[i]);
      first.push_back('_');
      first.append(name, i + 1, end - i - 1);
      i = end;
    } else {
      first.push_back(name[i]);
      ++i;
    }
  }

  // ([a-z])([A-Z]): non-overlapping pairs.
  std::string second;
  i = 0;
  while (i < first.size()) {
    if (i + 1 < first.size() && lower(first[i]) && upper(first[i + 1])) {
      second.push_back(first[i]);
      second.push_back('_');
      second.push_back(first[i + 1]);
      i += 2;
    } else {
      second.push_back(first[i]);
      ++i;
    }
  }
  for (char& c : second) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return second;
}

}  // namespace nnport::frameworks::keras
