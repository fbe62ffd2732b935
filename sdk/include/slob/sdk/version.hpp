#pragma once

#define SLOB_SDK_VERSION "0.1.0"
