using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Layouts;
using S3MlLayout.Engine.Naming;
using S3MlLayout.Engine.Tests.Support;
using static S3MlLayout.Engine.Tests.Support.TemplateAssert;

namespace S3MlLayout.Engine.Tests.Layouts;

public sealed class TemplateParserTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // ---- valid templates -------------------------------------------------------------------------------------

    [Fact]
    public void MinimalTemplate_Parses()
    {
        const string yaml = """
            name: minimal
            version: 0.1.0
            folders:
              - data
            """;

        var template = TemplateCatalog.Parse(yaml, "t.yaml");

        Assert.Equal("minimal", template.Name);
        Assert.Equal("0.1.0", template.Version);
        Assert.Null(template.Description);
        Assert.Null(template.Extends);
        Assert.Equal("t.yaml", template.Source);
        Assert.False(template.IsBuiltIn);
        Assert.Equal(PartitionStyle.Ymd, template.PartitionStyle);
        Assert.Equal(new[] { "data" }, Names(template.SolutionFolders));
        Assert.Empty(template.BucketFolders);
        Assert.Empty(template.Renames);
        Assert.Empty(template.Includes);
        Assert.Equal(yaml, template.Yaml);
        Assert.Equal(1, template.FolderCount);
        // Without 'style:' a template is kebab-case.
        Assert.Equal(NamingStyle.KebabCase, template.SolutionFolders[0].Style);
    }

    [Fact]
    public void FullTemplate_ReadsEveryKey()
    {
        const string yaml = """
            name: full-template
            version: 2.1.0-beta.1
            description: Every key at once.
            style: snake_case
            partitionStyle: hive
            folders:
              - name: data_sets
                description: The data.
                partition: monthly
                partitionStyle: YYYY/MM/DD
                folders:
                  - name: raw_files
                    partition: daily
                  - name: web-assets
                    style: kebab-case
                  - plain_name
            bucketFolders:
              - name: shared
                optional: true
                folders:
                  - tools
            include:
              - /shared
            """;

        var template = TemplateCatalog.Parse(yaml, "t.yaml");

        Assert.Equal("full-template", template.Name);
        Assert.Equal("2.1.0-beta.1", template.Version);
        Assert.Equal("Every key at once.", template.Description);
        Assert.Equal(PartitionStyle.Hive, template.PartitionStyle);
        var data = Folder(template.SolutionFolders, "data_sets");
        Assert.Equal("The data.", data.Description);
        Assert.Equal(NamingStyle.SnakeCase, data.Style);
        Assert.Equal(PartitionGranularity.Monthly, data.Partition);
        Assert.Equal(PartitionStyle.Ymd, data.PartitionStyle);
        Assert.Equal(new[] { "raw_files", "web-assets", "plain_name" }, Names(data.Folders));
        Assert.Equal(PartitionGranularity.Daily, Folder(template.SolutionFolders, "data_sets/raw_files").Partition);
        Assert.Null(Folder(template.SolutionFolders, "data_sets/raw_files").Style); // inherited
        Assert.Equal(NamingStyle.KebabCase, Folder(template.SolutionFolders, "data_sets/web-assets").Style);
        var shared = Assert.Single(template.BucketFolders);
        Assert.True(shared.Optional);
        Assert.Equal(new[] { "tools" }, Names(shared.Folders));
        Assert.Equal(new[] { "/shared" }, template.Includes);
        Assert.Equal(new[] { "data_sets", "data_sets/raw_files" }, template.PartitionedFolders);
        Assert.Equal(4, template.FolderCount);
    }

    [Theory]
    [InlineData("YYYY/MM/DD", PartitionStyle.Ymd)]
    [InlineData("ymd", PartitionStyle.Ymd)]
    [InlineData("hive", PartitionStyle.Hive)]
    public void PartitionStyle_Spellings(string spelling, PartitionStyle expected)
    {
        string yaml = $"name: t\nversion: 1.0.0\npartitionStyle: {spelling}\nfolders:\n  - data\n";
        Assert.Equal(expected, TemplateCatalog.Parse(yaml, "t.yaml").PartitionStyle);
    }

    // ---- TemplateYamlInvalid ---------------------------------------------------------------------------------

    [Fact]
    public void BadIndentation_IsTemplateYamlInvalidAtTheOffendingLine()
    {
        const string yaml = """
            name: bad
            version: 1.0.0
            folders:
              - name: a
               - name: b
            """;

        var error = Fails(yaml, "TemplateYamlInvalid", 5, 4);
        Assert.Contains("not valid YAML", error.Message);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void UnclosedFlowSequence_IsTemplateYamlInvalid()
    {
        const string yaml = """
            name: bad
            version: 1.0.0
            folders: [data, models
            """;

        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.Parse(yaml, "t.yaml"));
        Assert.Equal("TemplateYamlInvalid", error.ErrorId);
        Assert.Equal("t.yaml", error.File);
        Assert.True(error.Line >= 3, $"line {error.Line}");
        Assert.StartsWith($"t.yaml:{error.Line}:{error.Column}: ", error.Message);
    }

    [Fact]
    public void DuplicateMappingKey_IsTemplateYamlInvalid()
    {
        const string yaml = """
            name: twice
            version: 1.0.0
            name: again
            folders:
              - data
            """;

        Fails(yaml, "TemplateYamlInvalid", 3, 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("- just\n- a list\n")]
    [InlineData("just a scalar")]
    public void DocumentThatIsNotOneMapping_IsTemplateYamlInvalidAtTheStart(string yaml)
    {
        var error = Fails(yaml, "TemplateYamlInvalid", 1, 1);
        Assert.Contains("one YAML mapping", error.Message);
    }

    // ---- TemplateUnknownKey ----------------------------------------------------------------------------------

    [Fact]
    public void TypoInTopLevelKey_IsTemplateUnknownKeyAtTheKey()
    {
        const string yaml = """
            name: typo
            version: 1.0.0
            folder:
              - data
            """;

        var error = Fails(yaml, "TemplateUnknownKey", 3, 1);
        Assert.Contains("unknown key 'folder' in a template", error.Message);
        // Issue 16: the suggestion goes by edit distance, not only by case.
        Assert.Contains("(did you mean 'folders'?)", error.Message);
        Assert.Contains("allowed keys: name, version, description, extends, style, partitionStyle, folders, bucketFolders, add, remove, rename, include", error.Message);
    }

    [Fact]
    public void KeyFarFromEveryKey_GetsNoSuggestion()
    {
        const string yaml = """
            name: typo
            version: 1.0.0
            folders: [data]
            owner: me
            """;

        var error = Fails(yaml, "TemplateUnknownKey", 4, 1);
        Assert.DoesNotContain("did you mean", error.Message);
    }

    [Fact]
    public void TemplateKeyInsideAnAddEntry_SaysItIsIndentedTooDeep()
    {
        const string yaml = """
            name: typo
            version: 1.0.0
            extends: simple-ml
            add:
              - under: data
                folders: [external]
                remove: [models]
            """;

        var error = Fails(yaml, "TemplateUnknownKey", 7, 5);
        Assert.Contains("unknown key 'remove' in an add entry ('remove' is a key of the template: is it indented too deep?)", error.Message);
    }

    [Fact]
    public void TabIndentation_IsReportedAtTheTab()
    {
        // YamlDotNet placed this error at 4:11 (the folder before the tab); the tab is at 5:1 (issue 16).
        var error = Fails("name: t\nversion: 1.0.0\nfolders:\n  - name: a\n\t- b\n", "TemplateYamlInvalid", 5, 1);
        Assert.Contains("a tab indents this line", error.Message);
    }

    [Fact]
    public void KeyInTheWrongCase_IsTemplateUnknownKeyWithDidYouMean()
    {
        const string yaml = """
            name: typo
            version: 1.0.0
            Folders:
              - data
            """;

        var error = Fails(yaml, "TemplateUnknownKey", 3, 1);
        Assert.Contains("unknown key 'Folders'", error.Message);
        Assert.Contains("(did you mean 'folders'?)", error.Message);
    }

    [Fact]
    public void UnknownKeyInAFolder_IsTemplateUnknownKeyAtTheKey()
    {
        const string yaml = """
            name: typo
            version: 1.0.0
            folders:
              - name: data
                Description: the data
            """;

        var error = Fails(yaml, "TemplateUnknownKey", 5, 5);
        Assert.Contains("unknown key 'Description' in a folder (did you mean 'description'?)", error.Message);
    }

    [Fact]
    public void UnknownKeyInARenameEntry_IsTemplateUnknownKey()
    {
        const string yaml = """
            name: typo
            version: 1.0.0
            extends: master-solution
            rename:
              - from: code/utils
                into: helpers
            """;

        var error = Fails(yaml, "TemplateUnknownKey", 6, 5);
        Assert.Contains("in a rename entry", error.Message);
    }

    [Fact]
    public void UnknownKeyInAnAddEntry_IsTemplateUnknownKey()
    {
        const string yaml = """
            name: typo
            version: 1.0.0
            extends: master-solution
            add:
              - Under: data
                folders: [lake]
            """;

        var error = Fails(yaml, "TemplateUnknownKey", 5, 5);
        Assert.Contains("(did you mean 'under'?)", error.Message);
    }

    // ---- TemplateMissingKey ----------------------------------------------------------------------------------

    [Fact]
    public void NoVersion_IsTemplateMissingKey()
    {
        const string yaml = """
            name: no-version
            folders:
              - data
            """;

        var error = Fails(yaml, "TemplateMissingKey", 1, 1);
        Assert.Contains("'version:' is required", error.Message);
    }

    [Fact]
    public void NoName_IsTemplateMissingKeyAtTheStartOfTheMapping()
    {
        const string yaml = """
            # a comment first, so the mapping starts on line 2
            version: 1.0.0
            folders:
              - data
            """;

        var error = Fails(yaml, "TemplateMissingKey", 2, 1);
        Assert.Contains("'name:' is required", error.Message);
    }

    [Fact]
    public void NeitherFoldersNorExtends_IsTemplateMissingKey()
    {
        const string yaml = """
            name: empty
            version: 1.0.0
            description: nothing else
            """;

        var error = Fails(yaml, "TemplateMissingKey", 1, 1);
        Assert.Contains("'folders:'", error.Message);
        Assert.Contains("'extends:'", error.Message);
    }

    [Fact]
    public void FolderMappingWithoutName_IsTemplateMissingKeyAtTheFolder()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              - description: no name here
            """;

        var error = Fails(yaml, "TemplateMissingKey", 4, 5);
        Assert.Contains("'name:' is required", error.Message);
    }

    [Fact]
    public void AddEntryWithoutFolders_IsTemplateMissingKey()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            extends: master-solution
            add:
              - under: data
            """;

        Fails(yaml, "TemplateMissingKey", 5, 5);
    }

    [Theory]
    [InlineData("  - from: code/utils\n", 5, 5, "'to:'")]
    [InlineData("  - to: helpers\n", 5, 5, "'from:'")]
    public void RenameEntryWithoutFromOrTo_IsTemplateMissingKey(string entry, int line, int column, string key)
    {
        string yaml = "name: t\nversion: 1.0.0\nextends: master-solution\nrename:\n" + entry;

        var error = Fails(yaml, "TemplateMissingKey", line, column);
        Assert.Contains(key + " is required", error.Message);
    }

    // ---- TemplateInvalidValue --------------------------------------------------------------------------------

    [Theory]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("1.0.0.0")]
    [InlineData("latest")]
    public void BadVersion_IsTemplateInvalidValueAtTheValue(string version)
    {
        string yaml = $"name: t\nversion: {version}\nfolders:\n  - data\n";

        var error = Fails(yaml, "TemplateInvalidValue", 2, 10);
        Assert.Contains($"version '{version}' is not MAJOR.MINOR.PATCH", error.Message);
    }

    [Fact]
    public void BadStyle_IsTemplateInvalidValueAtTheValue()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            style: camelCase
            folders:
              - data
            """;

        var error = Fails(yaml, "TemplateInvalidValue", 3, 8);
        Assert.Contains("style 'camelCase' is not one of: snake_case, kebab-case, any", error.Message);
    }

    [Fact]
    public void BadFolderStyle_IsTemplateInvalidValueAtTheValue()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              - name: data
                style: SNAKE
            """;

        Fails(yaml, "TemplateInvalidValue", 5, 12);
    }

    [Fact]
    public void BadPartition_IsTemplateInvalidValueAtTheValue()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              - name: data
                folders:
                  - name: raw
                    partition: hourly
            """;

        var error = Fails(yaml, "TemplateInvalidValue", 7, 20);
        Assert.Contains("partition 'hourly' is not one of: daily, monthly, none", error.Message);
    }

    [Fact]
    public void BadPartitionStyle_IsTemplateInvalidValue()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            partitionStyle: YYYY-MM-DD
            folders:
              - data
            """;

        var error = Fails(yaml, "TemplateInvalidValue", 3, 17);
        Assert.Contains("partitionStyle 'YYYY-MM-DD'", error.Message);
    }

    [Fact]
    public void BadOptional_IsTemplateInvalidValue()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              - name: data
                optional: yes
            """;

        var error = Fails(yaml, "TemplateInvalidValue", 5, 15);
        Assert.Contains("optional 'yes' must be true or false", error.Message);
    }

    [Theory]
    [InlineData("My_Template")]
    [InlineData("my_template")]
    [InlineData("MyTemplate")]
    [InlineData("-leading")]
    public void NameNotKebabCase_IsTemplateInvalidValueAtTheValue(string name)
    {
        string yaml = $"name: {name}\nversion: 1.0.0\nfolders:\n  - data\n";

        var error = Fails(yaml, "TemplateInvalidValue", 1, 7);
        Assert.Contains($"template name '{name}' must be kebab-case", error.Message);
    }

    [Fact]
    public void FoldersThatIsNotAList_IsTemplateInvalidValue()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              data: {}
            """;

        var error = Fails(yaml, "TemplateInvalidValue", 4, 3);
        Assert.Contains("'folders' must be a list", error.Message);
    }

    [Fact]
    public void EmptyName_IsTemplateInvalidValue()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              - name: ""
            """;

        var error = Fails(yaml, "TemplateInvalidValue", 4, 11);
        Assert.Contains("'name' needs a non-empty text value", error.Message);
    }

    [Fact]
    public void ExtendsTogetherWithFolders_IsTemplateInvalidValueAtFolders()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            extends: master-solution
            folders:
              - data
            """;

        var error = Fails(yaml, "TemplateInvalidValue", 5, 3);
        Assert.Contains("cannot also declare 'folders:'", error.Message);
    }

    [Fact]
    public void RenameToAPath_IsTemplateInvalidValue()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            extends: master-solution
            rename:
              - from: code/utils
                to: code/helpers
            """;

        var error = Fails(yaml, "TemplateInvalidValue", 6, 9);
        Assert.Contains("must be the new folder name only", error.Message);
    }

    // ---- TemplateDuplicateFolder -----------------------------------------------------------------------------

    [Fact]
    public void SameFolderTwiceUnderOneParent_IsTemplateDuplicateFolderAtTheSecond()
    {
        const string yaml = """
            name: dup
            version: 1.0.0
            folders:
              - name: data
                folders:
                  - raw
                  - curated
                  - raw
            """;

        var error = Fails(yaml, "TemplateDuplicateFolder", 8, 9);
        Assert.Contains("folder 'raw' is declared twice under the same parent (first at line 6)", error.Message);
    }

    [Fact]
    public void SameFolderTwiceAtTheTop_IsTemplateDuplicateFolder()
    {
        const string yaml = """
            name: dup
            version: 1.0.0
            folders:
              - name: data
              - models
              - name: data
                description: again
            """;

        var error = Fails(yaml, "TemplateDuplicateFolder", 6, 5);
        Assert.Contains("(first at line 4)", error.Message);
    }

    [Fact]
    public void SameNameUnderDifferentParents_IsAllowed()
    {
        const string yaml = """
            name: ok
            version: 1.0.0
            folders:
              - name: train
                folders: [features]
              - name: test
                folders: [features]
            """;

        var template = TemplateCatalog.Parse(yaml, "t.yaml");
        Assert.Equal("features", Folder(template.SolutionFolders, "train/features").Name);
        Assert.Equal("features", Folder(template.SolutionFolders, "test/features").Name);
    }

    [Fact]
    public void AddOfAFolderThatExists_IsTemplateDuplicateFolderAtTheAddedFolder()
    {
        const string yaml = """
            name: dup-add
            version: 1.0.0
            extends: master-solution
            add:
              - under: data
                folders:
                  - name: raw
            """;

        var error = Fails(yaml, "TemplateDuplicateFolder", 7, 9);
        Assert.Contains("add: folder 'raw' already exists under 'data'", error.Message);
    }

    [Fact]
    public void AddAtTheSolutionRootOfAFolderThatExists_IsTemplateDuplicateFolder()
    {
        const string yaml = """
            name: dup-add
            version: 1.0.0
            extends: master-solution
            add:
              - folders:
                  - code
            """;

        var error = Fails(yaml, "TemplateDuplicateFolder", 6, 9);
        Assert.Contains("under 'the solution root'", error.Message);
    }

    [Fact]
    public void RenameOntoAnExistingSibling_IsTemplateDuplicateFolder()
    {
        const string yaml = """
            name: dup-rename
            version: 1.0.0
            extends: master-solution
            rename:
              - from: data/raw
                to: curated
            """;

        var error = Fails(yaml, "TemplateDuplicateFolder", 5, 5);
        Assert.Contains("collides with an existing folder 'curated'", error.Message);
    }

    // ---- TemplateFolderNameInvalid ---------------------------------------------------------------------------

    [Fact]
    public void NameBreakingSnakeCase_IsTemplateFolderNameInvalidWithTheCorrection()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            style: snake_case
            folders:
              - name: data
                folders:
                  - name: Raw-Data
            """;

        var error = Fails(yaml, "TemplateFolderNameInvalid", 7, 9);
        Assert.Contains("folder 'Raw-Data' breaks its style snake_case", error.Message);
        Assert.Contains("call it 'raw_data'", error.Message);
    }

    [Fact]
    public void NameBreakingTheDefaultKebabCase_IsTemplateFolderNameInvalid()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              - feature_store
            """;

        var error = Fails(yaml, "TemplateFolderNameInvalid", 4, 5);
        Assert.Contains("call it 'feature-store'", error.Message);
    }

    [Fact]
    public void StyleIsInheritedFromTheParent()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              - name: code
                style: snake_case
                folders:
                  - name: utils
                    folders:
                      - feature-helpers
            """;

        var error = Fails(yaml, "TemplateFolderNameInvalid", 9, 13);
        Assert.Contains("call it 'feature_helpers'", error.Message);
    }

    [Fact]
    public void NameWithSlash_IsTemplateFolderNameInvalidAtTheName()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              - name: data/raw
            """;

        var error = Fails(yaml, "TemplateFolderNameInvalid", 4, 11);
        Assert.Contains("contains '/'", error.Message);
    }

    [Fact]
    public void ShorthandNameWithSlash_IsTemplateFolderNameInvalid()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            folders:
              - data
              - models/trained
            """;

        Fails(yaml, "TemplateFolderNameInvalid", 5, 5);
    }

    [Fact]
    public void NameWithStar_IsTemplateFolderNameInvalidAtTheName()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            style: any
            folders:
              - name: data
                folders:
                  - name: raw*
            """;

        var error = Fails(yaml, "TemplateFolderNameInvalid", 7, 15);
        Assert.Contains("contains '*'", error.Message);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a\\\\b")]
    [InlineData("what?")]
    public void OtherUnusableNames_AreTemplateFolderNameInvalid(string name)
    {
        string yaml = $"name: t\nversion: 1.0.0\nstyle: any\nfolders:\n  - name: \"{name}\"\n";
        Fails(yaml, "TemplateFolderNameInvalid", 5, 11);
    }

    [Fact]
    public void StyleAny_AcceptsMixedNames()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            style: any
            folders:
              - Mixed_Case-Name
            """;

        Assert.Equal("Mixed_Case-Name", TemplateCatalog.Parse(yaml, "t.yaml").SolutionFolders[0].Name);
    }

    // ---- TemplateExtendsCycle --------------------------------------------------------------------------------

    [Fact]
    public void TwoFilesExtendingEachOther_IsTemplateExtendsCycle()
    {
        string a = _temp.WriteFile("a.yaml", "name: a\nversion: 1.0.0\nextends: b\n");
        string b = _temp.WriteFile("b.yaml", "name: b\nversion: 1.0.0\nextends: a.yaml\n");

        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.LoadFile(a));

        At(error, "TemplateExtendsCycle", b, 3, 10);
        Assert.Contains("a.yaml -> b.yaml -> a.yaml", error.Message);
    }

    [Fact]
    public void FileExtendingItself_IsTemplateExtendsCycle()
    {
        string self = _temp.WriteFile("self.yaml", "name: self\nversion: 1.0.0\n# it points at itself\nextends: self\n");

        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.LoadFile(self));

        At(error, "TemplateExtendsCycle", self, 4, 10);
        Assert.Contains("self.yaml -> self.yaml", error.Message);
    }

    // ---- TemplateNotFound / TemplatePathNotFound -------------------------------------------------------------

    [Fact]
    public void ExtendsUnknownTemplate_IsTemplateNotFoundAtTheValue()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            extends: no-such-template
            """;

        var error = Fails(yaml, "TemplateNotFound", 3, 10);
        Assert.Contains("extends 'no-such-template' names neither a built-in template", error.Message);
        Assert.Contains("master-solution", error.Message);
    }

    [Fact]
    public void ExtendsUnknownFile_IsTemplateNotFoundNamingTheFile()
    {
        string path = _temp.WriteFile("child.yaml", "name: child\nversion: 1.0.0\nextends: ../missing/base.yaml\n");

        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.LoadFile(path));

        At(error, "TemplateNotFound", path, 3, 10);
        Assert.Contains(Path.GetFullPath(Path.Combine(_temp.Root, "../missing/base.yaml")), error.Message);
    }

    [Fact]
    public void LoadFileOfAMissingFile_IsTemplateFileNotFound()
    {
        string path = _temp.PathOf("nowhere.yaml");

        var error = Assert.Throws<MlLayoutException>(() => TemplateCatalog.LoadFile(path));

        Assert.Equal("TemplateFileNotFound", error.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Equal(path, error.Target);
    }

    [Fact]
    public void LoadFile_ReportsErrorsWithTheFullPath()
    {
        string path = _temp.WriteFile("broken.yaml", "name: broken\nversion: one\nfolders: [data]\n");

        var error = Assert.Throws<TemplateException>(() => TemplateCatalog.LoadFile(path));

        At(error, "TemplateInvalidValue", path, 2, 10);
    }

    [Fact]
    public void RemoveOfAPathThatDoesNotExist_IsTemplatePathNotFoundAtTheEntry()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            extends: master-solution
            remove:
              - models/experiments
              - models/no_such_folder
            """;

        var error = Fails(yaml, "TemplatePathNotFound", 6, 5);
        Assert.Contains("remove: 'models/no_such_folder' is not a folder", error.Message);
    }

    [Fact]
    public void RenameOfAPathThatDoesNotExist_IsTemplatePathNotFoundAtTheEntry()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            extends: master-solution
            rename:
              - from: code/no_such_folder
                to: helpers
            """;

        var error = Fails(yaml, "TemplatePathNotFound", 5, 5);
        Assert.Contains("rename: neither 'code/no_such_folder' nor its new name 'helpers'", error.Message);
    }

    [Fact]
    public void AddUnderAPathThatDoesNotExist_IsTemplatePathNotFoundAtTheEntry()
    {
        const string yaml = """
            name: t
            version: 1.0.0
            extends: master-solution
            add:
              - under: data/lake
                folders: [bronze]
            """;

        var error = Fails(yaml, "TemplatePathNotFound", 5, 5);
        Assert.Contains("add: 'under: data/lake' is not a folder", error.Message);
    }

    [Theory]
    [InlineData("data")]          // exists, but is not optional
    [InlineData("/no_such")]      // does not exist at the bucket root
    [InlineData("shared")]        // optional, but at the bucket root: without '/' it names a solution folder
    public void IncludeOfSomethingNotOptional_IsTemplatePathNotFoundAtTheEntry(string path)
    {
        string yaml = $"name: t\nversion: 1.0.0\nextends: master-solution\ninclude:\n  - {path}\n";

        var error = Fails(yaml, "TemplatePathNotFound", 5, 5);
        Assert.Contains($"include: '{path}' is not an optional folder", error.Message);
    }

    [Fact]
    public void StandaloneRenameMigration_NeedsTheNewNameInTheTree()
    {
        const string ok = """
            name: t
            version: 2.0.0
            folders:
              - name: models
                folders: [trained]
            rename:
              - from: models/fitted
                to: trained
            """;
        var template = TemplateCatalog.Parse(ok, "t.yaml");
        var rename = Assert.Single(template.Renames);
        Assert.Equal(("models/fitted", "trained"), (rename.From, rename.To));

        const string bad = """
            name: t
            version: 2.0.0
            folders:
              - name: models
                folders: [trained]
            rename:
              - from: models/fitted
                to: registry
            """;
        Fails(bad, "TemplatePathNotFound", 7, 5);
    }
}
