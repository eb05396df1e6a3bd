/* openndis-build's reading of MSBuild projects (tools/openndis-build): conditions, property
 * and metadata expansion, imports, item definitions and their %(...) inheritance, the
 * configuration chosen, templates and WDK 7 `sources` files, each checked on a project
 * written for the case, and each malformed input refused with its file and line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "build.h"

static char dir[] = "/tmp/openndis-msbuild-XXXXXX";

static void write_file(const char *name, const char *text)
{
    char *path = path_join(dir, name);
    for (char *c = path + strlen(dir) + 1; (c = strchr(c, '/')); c++) { /* parents */
        *c = '\0';
        mkdir(path, 0755);
        *c = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

#define PROJECT_OPEN "<Project xmlns=\"http://schemas.microsoft.com/developer/msbuild/2003\">\n"

static bool load(struct project *p, const char *name, const char *config, const char *const *defines)
{
    struct build_options o = {.config = config};
    for (size_t i = 0; defines && defines[i]; i++)
        strv_push(&o.defines, defines[i]);
    char *path = path_join(dir, name);
    *p = (struct project){0};
    bool ok = project_load(p, path, &o);
    free(path);
    strv_free(&o.defines);
    return ok;
}

static int cond(struct project *p, const char *text)
{
    struct eval_ctx c = {p, NULL, NULL, "test", 1};
    return eval_condition(&c, text);
}

static char *expand(struct project *p, const char *text)
{
    struct eval_ctx c = {p, NULL, NULL, "test", 1};
    return eval_expand(&c, text);
}

static void conditions(void **state)
{
    (void)state;
    struct project p = {0};
    project_set_prop(&p, "Configuration", "Release", true);
    project_set_prop(&p, "Platform", "x64", true);
    project_set_prop(&p, "Level", "4", false);
    assert_int_equal(cond(&p, "'$(Configuration)|$(Platform)'=='Release|x64'"), 1);
    assert_int_equal(cond(&p, "'$(Configuration)|$(Platform)'=='release|X64'"), 1); /* no case */
    assert_int_equal(cond(&p, "'$(Configuration)' != 'Release'"), 0);
    assert_int_equal(cond(&p, "'$(Unset)' == ''"), 1);
    assert_int_equal(cond(&p, "$(Level) >= 3 and $(Level) < 0x10"), 1);
    assert_int_equal(cond(&p, "'$(Configuration)'=='Debug' OR ('$(Platform)'=='x64' and !false)"), 1);
    assert_int_equal(cond(&p, "!('$(Platform)'=='x64')"), 0);
    assert_int_equal(cond(&p, "true"), 1);
    assert_int_equal(cond(&p, ""), 1);
    assert_int_equal(cond(&p, "HasTrailingSlash('a\\') and !HasTrailingSlash('a')"), 1);
    p.dir = xstrdup(dir);
    write_file("present.props", "x");
    assert_int_equal(cond(&p, "Exists('present.props')"), 1);
    assert_int_equal(cond(&p, "exists('$(Unset)\\absent.props')"), 0);
    /* malformed: an error, never a guess */
    int before = build_errors;
    assert_int_equal(cond(&p, "'a' == 'b"), -1);
    assert_int_equal(cond(&p, "'a' === 'b'"), -1);
    assert_int_equal(cond(&p, "Frob('x')"), -1);
    assert_int_equal(cond(&p, "'abc' < 3"), -1);
    assert_int_equal(cond(&p, "'x' and 'y'"), -1); /* neither true nor false */
    assert_int_equal(build_errors, before + 5);
    project_free(&p);
}

static void expansion(void **state)
{
    (void)state;
    struct project p = {0};
    project_set_prop(&p, "A", "one", false);
    char *s = expand(&p, "$(A);$(a)_%3B%25;$(Nothing)end");
    assert_string_equal(s, "one;one_;%;end");
    free(s);
    int before = build_errors;
    s = expand(&p, "x$([System.IO.Path]::Combine('a','b'))y"); /* a property function: a warning */
    assert_string_equal(s, "xy");
    assert_int_equal(build_errors, before);
    free(s);
    s = expand(&p, "$(A");
    assert_int_equal(build_errors, before + 1);
    free(s);
    /* the string methods projects call on properties (virtio-win's Driver.Platform.props) */
    project_set_prop(&p, "VS", "17.4.2", false);
    static const struct {
        const char *in, *out;
    } cases[] = {{"$(VS.Split('.')[0])", "17"},     {"$(VS.Split('.')[2])", "2"},
                 {"$(VS.Split('.')[7])", ""},        {"$(VS.Replace('.', '_'))", "17_4_2"},
                 {"$(A.ToUpper())", "ONE"},          {"$(VS.Substring(3))", "4.2"},
                 {"$(VS.Substring(0, 2))", "17"},    {"$(VS.StartsWith('17'))", "True"},
                 {"$(VS.EndsWith('3'))", "False"},   {"$(VS.Contains('.4.'))", "True"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        s = expand(&p, cases[i].in);
        assert_string_equal(s, cases[i].out);
        free(s);
    }
    s = expand(&p, "$(VS.Frobnicate())"); /* not one it knows: empty, with a warning */
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(build_errors, before + 1);
    project_free(&p);
}

static const struct item *item(const struct project *p, const char *type, const char *include)
{
    for (size_t i = 0; i < p->nitems; i++)
        if (!strcmp(p->items[i].type, type) && !strcmp(p->items[i].include, include))
            return &p->items[i];
    return NULL;
}

static void evaluation(void **state)
{
    (void)state;
    write_file("common.props", PROJECT_OPEN
               "  <ItemGroup Label=\"ProjectConfigurations\">\n"
               "    <ProjectConfiguration Include=\"Debug|x64\"/>\n"
               "    <ProjectConfiguration Include=\"Release|x64\"/>\n"
               "  </ItemGroup>\n"
               "  <PropertyGroup>\n"
               "    <VerMaj>1</VerMaj><VerMin>2</VerMin>\n"
               "    <Ver>$(VerMaj).$(VerMin)</Ver>\n"
               "    <Here>$(MSBuildThisFileDirectory)</Here>\n"
               "  </PropertyGroup>\n"
               "  <ItemDefinitionGroup>\n"
               "    <ClCompile><PreprocessorDefinitions>VER=\"$(Ver)\";%(PreprocessorDefinitions)</PreprocessorDefinitions></ClCompile>\n"
               "  </ItemDefinitionGroup>\n"
               "</Project>\n");
    write_file("p/a.c", "");
    write_file("p/b.c", "");
    write_file("p/c.c", "");
    write_file("p/w1.c", "");
    write_file("p/w2.c", "");
    write_file("p/drv.vcxproj", PROJECT_OPEN
               "  <PropertyGroup><Configuration>Debug</Configuration><Tag>early</Tag></PropertyGroup>\n"
               "  <Import Project=\"$(VCTargetsPath)\\Microsoft.Cpp.Default.props\" />\n"
               "  <Import Project=\"..\\common.props\" />\n"
               "  <Import Project=\"..\\missing.props\" Condition=\"exists('..\\missing.props')\" />\n"
               "  <PropertyGroup Condition=\"'$(Configuration)'=='Release'\"><Tag>$(Tag)-release</Tag></PropertyGroup>\n"
               "  <Choose>\n"
               "    <When Condition=\"'$(Platform)'=='ARM64'\"><PropertyGroup><Arch>arm</Arch></PropertyGroup></When>\n"
               "    <Otherwise><PropertyGroup><Arch>amd64</Arch></PropertyGroup></Otherwise>\n"
               "  </Choose>\n"
               "  <ItemDefinitionGroup Condition=\"'$(Configuration)'=='Release'\">\n"
               "    <ClCompile>\n"
               "      <PreprocessorDefinitions>%(PreprocessorDefinitions);NDIS620_MINIPORT=1</PreprocessorDefinitions>\n"
               "      <PreprocessorDefinitions>%(PreprocessorDefinitions);ARCH_$(Arch)</PreprocessorDefinitions>\n"
               "    </ClCompile>\n"
               "  </ItemDefinitionGroup>\n"
               "  <ItemGroup>\n"
               "    <ClCompile Include=\"a.c; b.c\" />\n"
               "    <ClCompile Include=\"c.c\"><PreprocessorDefinitions>ONLY_C;%(PreprocessorDefinitions)</PreprocessorDefinitions></ClCompile>\n"
               "    <ClCompile Include=\"w*.c\" Exclude=\"w2.c\" />\n"
               "    <ClCompile Include=\"b.c\" Condition=\"'$(Tag)'=='never'\" />\n"
               "    <ClCompile Remove=\"b.c\" />\n"
               "    <ClCompile Update=\"a.c\"><Extra>%(Filename)%(Extension)</Extra></ClCompile>\n"
               "    <Inf Include=\"drv.inf\" CopyOutput=\"$(Tag).inf\" />\n"
               "  </ItemGroup>\n"
               "</Project>\n");
    struct project p;
    assert_true(load(&p, "p/drv.vcxproj", NULL, NULL));
    /* Configuration is global: the project's own <Configuration>Debug</...> does not win */
    assert_string_equal(project_prop(&p, "Configuration"), "Release");
    assert_string_equal(project_prop(&p, "Tag"), "early-release");
    assert_string_equal(project_prop(&p, "Arch"), "amd64");
    assert_string_equal(project_prop(&p, "Ver"), "1.2");
    char *common_dir = xasprintf("%s/", dir);
    assert_string_equal(project_prop(&p, "Here"), common_dir); /* the imported file's own */
    free(common_dir);
    assert_int_equal(p.imports.n, 2);
    assert_int_equal(p.skipped_imports.n, 1);
    assert_int_equal(p.configurations.n, 2);
    const struct item *a = item(&p, "ClCompile", "a.c"), *c = item(&p, "ClCompile", "c.c");
    assert_non_null(a);
    assert_non_null(c);
    assert_null(item(&p, "ClCompile", "b.c"));
    assert_non_null(item(&p, "ClCompile", "w1.c"));
    assert_null(item(&p, "ClCompile", "w2.c"));
    assert_string_equal(meta_get(&a->meta, "PreprocessorDefinitions"), "VER=\"1.2\";;NDIS620_MINIPORT=1;ARCH_amd64");
    assert_string_equal(meta_get(&c->meta, "PreprocessorDefinitions"),
                        "ONLY_C;VER=\"1.2\";;NDIS620_MINIPORT=1;ARCH_amd64");
    assert_string_equal(meta_get(&a->meta, "Extra"), "a.c");
    assert_string_equal(meta_get(&item(&p, "Inf", "drv.inf")->meta, "CopyOutput"), "early-release.inf");

    /* the plan: defines split, %(X) leftovers dropped, -D replacing a define, sources real */
    struct plan pl = {0};
    struct build_options o = {0};
    strv_push(&o.defines, "ARCH_amd64=2");
    strv_push(&o.defines, "VerMaj=9"); /* a property: not a define */
    assert_true(plan_make(&pl, &p, &o));
    assert_int_equal(pl.nunits, 3);
    assert_int_equal(pl.units[0].defines.n, 3);
    assert_string_equal(pl.units[0].defines.v[0], "VER=\"1.2\"");
    assert_string_equal(pl.units[0].defines.v[2], "ARCH_amd64=2");
    assert_false(strv_has(&pl.units[0].defines, "VerMaj=9"));
    plan_free(&pl);
    project_free(&p);

    /* -D sets a property the project cannot override; Debug gives DBG=1 */
    const char *defs[] = {"VerMin=7", NULL};
    assert_true(load(&p, "p/drv.vcxproj", "Debug", defs));
    assert_string_equal(project_prop(&p, "Ver"), "1.7");
    assert_string_equal(project_prop(&p, "Tag"), "early");
    project_free(&p);
    strv_free(&o.defines);

    /* a configuration the project does not have: refused, listing those it has */
    int before = build_errors;
    assert_false(load(&p, "p/drv.vcxproj", "Checked", NULL));
    assert_true(build_errors > before);
    project_free(&p);
}

static void default_configuration(void **state)
{
    (void)state;
    write_file("n/x.c", "");
    write_file("n/n.vcxproj", PROJECT_OPEN
               "  <ItemGroup>\n"
               "    <ProjectConfiguration Include=\"Win10 Release|x64\"/>\n"
               "    <ProjectConfiguration Include=\"Win11 Release|x64\"/>\n"
               "  </ItemGroup>\n"
               "  <ItemDefinitionGroup Condition=\"'$(Configuration)'=='Win10 Release'\">\n"
               "    <ClCompile><PreprocessorDefinitions>WIN10</PreprocessorDefinitions></ClCompile>\n"
               "  </ItemDefinitionGroup>\n"
               "  <ItemGroup><ClCompile Include=\"x.c\"/></ItemGroup>\n"
               "</Project>\n");
    struct project p;
    assert_true(load(&p, "n/n.vcxproj", NULL, NULL));
    assert_string_equal(project_prop(&p, "Configuration"), "Win10 Release");
    assert_string_equal(meta_get(&p.items[p.nitems - 1].meta, "PreprocessorDefinitions"), "WIN10");
    project_free(&p);
}

static void refusals(void **state)
{
    (void)state;
    struct project p;
    int before = build_errors;
    write_file("bad/notxml.vcxproj", "<Project><PropertyGroup></Project>");
    assert_false(load(&p, "bad/notxml.vcxproj", NULL, NULL));
    project_free(&p);
    write_file("bad/root.vcxproj", "<Solution/>");
    assert_false(load(&p, "bad/root.vcxproj", NULL, NULL));
    project_free(&p);
    write_file("bad/import.vcxproj", PROJECT_OPEN "  <Import Project=\"nowhere.props\"/>\n</Project>\n");
    assert_false(load(&p, "bad/import.vcxproj", NULL, NULL));
    project_free(&p);
    write_file("bad/cond.vcxproj", PROJECT_OPEN "  <PropertyGroup Condition=\"'$(X)'=='\"><A>1</A></PropertyGroup>\n</Project>\n");
    assert_false(load(&p, "bad/cond.vcxproj", NULL, NULL));
    project_free(&p);
    /* an import of itself: read once, then skipped as MSBuild does */
    write_file("bad/self.vcxproj", PROJECT_OPEN "  <Import Project=\"self.vcxproj\"/>\n</Project>\n");
    assert_true(load(&p, "bad/self.vcxproj", NULL, NULL));
    project_free(&p);
    char *fifo = path_join(dir, "bad/fifo.vcxproj");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_false(load(&p, "bad/fifo.vcxproj", NULL, NULL)); /* not opened: it would block */
    project_free(&p);
    free(fifo);
    /* a source that is not there is named with its item's line */
    write_file("bad/nosrc.vcxproj", PROJECT_OPEN "  <ItemGroup><ClCompile Include=\"gone.c\"/></ItemGroup>\n</Project>\n");
    assert_true(load(&p, "bad/nosrc.vcxproj", NULL, NULL));
    struct plan pl = {0};
    struct build_options o = {0};
    assert_false(plan_make(&pl, &p, &o));
    plan_free(&pl);
    project_free(&p);
    assert_int_equal(build_errors, before + 6);
}

static void templates_and_sources(void **state)
{
    (void)state;
    struct project p;
    write_file("t/x.c", "");
    write_file("t/drv.vcxproj.in", PROJECT_OPEN
               "  <PropertyGroup><TargetName>@NAME@</TargetName></PropertyGroup>\n"
               "  <ItemGroup><ClCompile Include=\"x.c\"><PreprocessorDefinitions>V=@MAJOR@</PreprocessorDefinitions></ClCompile></ItemGroup>\n"
               "</Project>\n");
    int before = build_errors;
    assert_false(load(&p, "t/drv.vcxproj.in", NULL, NULL));
    assert_int_equal(build_errors, before + 2); /* each missing name once */
    project_free(&p);
    const char *defs[] = {"NAME=tap", "MAJOR=9", NULL};
    assert_true(load(&p, "t/drv.vcxproj.in", NULL, defs));
    assert_string_equal(project_prop(&p, "TargetName"), "tap");
    assert_string_equal(p.name, "drv");
    struct plan pl = {0};
    struct build_options o = {0};
    strv_push(&o.defines, "NAME=tap");
    assert_true(plan_make(&pl, &p, &o));
    assert_int_equal(pl.units[0].defines.n, 1); /* NAME filled the template: not a define */
    assert_string_equal(pl.units[0].defines.v[0], "V=9");
    plan_free(&pl);
    strv_free(&o.defines);
    project_free(&p);

    write_file("w7/m.c", "");
    write_file("w7/n.c", "");
    write_file("w7/sources", "TARGETNAME=legacy\nTARGETTYPE=DRIVER\n"
               "C_DEFINES=$(C_DEFINES) -DNDIS_MINIPORT_DRIVER -DNDIS60_MINIPORT=1 # six\n"
               "INCLUDES=..\\inc\n"
               "SOURCES= m.c \\\n   n.c \\\n   v.rc\n"
               "RUN_WPP=$(SOURCES) -km -func:DEBUGP(LEVEL,MSG,...)\n");
    char *path = path_join(dir, "w7/sources");
    struct build_options none = {0};
    p = (struct project){0};
    assert_true(legacy_sources_load(&p, path, &none));
    assert_true(plan_make(&pl, &p, &none));
    assert_string_equal(pl.name, "legacy");
    assert_int_equal(pl.nunits, 2);
    assert_int_equal(pl.units[1].defines.n, 2);
    assert_string_equal(pl.units[1].defines.v[1], "NDIS60_MINIPORT=1");
    assert_true(pl.units[0].wpp);
    assert_string_equal(pl.wpp_funcs.v[0], "DEBUGP(LEVEL,MSG,...)");
    plan_free(&pl);
    project_free(&p);
    free(path);
}

static void letter_case(void **state)
{
    (void)state;
    /* Windows file systems ignore case and read '\\' as a separator; projects rely on both */
    write_file("f/Common/trace.h", "");
    write_file("f/Src/Driver.c", "");
    write_file("f/Build/Version.props", PROJECT_OPEN "  <PropertyGroup><V>3</V></PropertyGroup>\n</Project>\n");
    write_file("f/f.vcxproj", PROJECT_OPEN
               "  <Import Project=\"build\\version.PROPS\" />\n"
               "  <PropertyGroup Condition=\"Exists('COMMON\\Trace.h')\"><Seen>yes</Seen></PropertyGroup>\n"
               "  <ItemGroup><ClCompile Include=\"src\\driver.c\">\n"
               "    <AdditionalIncludeDirectories>common;missing</AdditionalIncludeDirectories>\n"
               "    <WppEnabled>true</WppEnabled><WppScanConfigurationData>Common\\Trace.h</WppScanConfigurationData>\n"
               "  </ClCompile></ItemGroup>\n"
               "</Project>\n");
    struct project p;
    assert_true(load(&p, "f/f.vcxproj", NULL, NULL));
    assert_string_equal(project_prop(&p, "V"), "3");
    assert_string_equal(project_prop(&p, "Seen"), "yes");
    struct plan pl = {0};
    struct build_options o = {0};
    assert_true(plan_make(&pl, &p, &o));
    char *want = xasprintf("%s/f/Src/Driver.c", dir);
    assert_string_equal(pl.units[0].source, want);
    free(want);
    want = xasprintf("%s/f/Common", dir);
    assert_int_equal(pl.units[0].includes.n, 1); /* "missing" is a note, not a -I */
    assert_string_equal(pl.units[0].includes.v[0], want);
    free(want);
    want = xasprintf("%s/f/Common/trace.h", dir);
    assert_string_equal(pl.wpp_scan.v[0], want);
    free(want);
    assert_int_equal(pl.notes.n, 1);
    plan_free(&pl);
    project_free(&p);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char *cmd = xasprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    return rc;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conditions),        cmocka_unit_test(expansion), cmocka_unit_test(evaluation),
        cmocka_unit_test(default_configuration), cmocka_unit_test(refusals),
        cmocka_unit_test(templates_and_sources), cmocka_unit_test(letter_case),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
