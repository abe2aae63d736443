// Number formatting as Go prints it, which rule templates and promtool output depend on:
// %v of a float64 ("1e+06", "0.25", "NaN", "+Inf") and a subset of fmt.Sprintf.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace specwatch::rules {

// fmt.Sprint(float64): Go's strconv 'g' with the shortest round-trip digits, e-notation when the
// exponent is below -4 or at least 6 ("1e+06", "123456", "1e-05").
std::string go_format_float(double v);
// strconv.FormatFloat(v, 'E', -1, 64), how promtool prints sample values.
std::string go_format_float_exponent(double v);

using FormatArg = std::variant<double, std::string>;
// fmt.Sprintf for the verbs %v %s %d %f %e %g %q %% with flags, width and precision.
std::string go_sprintf(std::string_view format, const std::vector<FormatArg>& args);

}  // namespace specwatch::rules
