// Implementations of the functions over range vectors (internal to the rules library).
#pragma once

#include "sidecar/rules/promql_functions.h"

namespace specwatch::rules {

FunctionResult fn_rate(const FunctionArgs& args);
FunctionResult fn_increase(const FunctionArgs& args);
FunctionResult fn_delta(const FunctionArgs& args);
FunctionResult fn_irate(const FunctionArgs& args);
FunctionResult fn_idelta(const FunctionArgs& args);
FunctionResult fn_deriv(const FunctionArgs& args);
FunctionResult fn_changes(const FunctionArgs& args);
FunctionResult fn_resets(const FunctionArgs& args);
FunctionResult fn_avg_over_time(const FunctionArgs& args);
FunctionResult fn_sum_over_time(const FunctionArgs& args);
FunctionResult fn_min_over_time(const FunctionArgs& args);
FunctionResult fn_max_over_time(const FunctionArgs& args);
FunctionResult fn_count_over_time(const FunctionArgs& args);
FunctionResult fn_last_over_time(const FunctionArgs& args);
FunctionResult fn_present_over_time(const FunctionArgs& args);
FunctionResult fn_stddev_over_time(const FunctionArgs& args);
FunctionResult fn_stdvar_over_time(const FunctionArgs& args);
FunctionResult fn_quantile_over_time(const FunctionArgs& args);

}  // namespace specwatch::rules
