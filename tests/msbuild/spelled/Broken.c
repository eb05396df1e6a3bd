/* Excluded from the build in Spelled.vcxproj: compiling it would fail. */
#error Broken.c is ExcludedFromBuild and must not be compiled
