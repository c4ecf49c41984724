using System.Text.RegularExpressions;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.Tests.Naming;

public class BucketNamingTests
{
    private static BucketNameParts Parts(string company = "edge", string environment = "dev", string tenant = "a001", string region = "us-west-2") =>
        new() { CompanyPrefix = company, Environment = environment, TenantId = tenant, Region = region };

    private static MlLayoutException ValidateFails(string name, string errorId)
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Validate(name));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(name, error.Target);
        return error;
    }

    // ---- Build ----------------------------------------------------------------------------------------------

    [Fact]
    public void Build_JoinsTheFourPartsWithHyphens()
    {
        var result = BucketNaming.Build(Parts());

        Assert.Equal("edge-dev-a001-us-west-2", result.Name);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("edge", "prod", "a001", "us-west-2", "edge-prod-a001-us-west-2")]
    [InlineData("edge", "dev", "b001", "us-west-1", "edge-dev-b001-us-west-1")]
    [InlineData("techcorp", "staging", "b001", "eu-central-1", "techcorp-staging-b001-eu-central-1")]
    public void Build_SeedExamples(string company, string environment, string tenant, string region, string expected)
    {
        Assert.Equal(expected, BucketNaming.Build(Parts(company, environment, tenant, region)).Name);
    }

    [Fact]
    public void Build_DefaultEnvironmentsAreDevStagingProd()
    {
        Assert.Equal(new[] { "dev", "staging", "prod" }, BucketNamingOptions.DefaultEnvironments);
        Assert.Equal(new[] { "dev", "staging", "prod" }, new BucketNamingOptions().AllowedEnvironments);
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(environment: "test")));
        Assert.Equal("EnvironmentUnknown", error.ErrorId);
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("dev")]
    [InlineData("test")]
    public void Build_ConfiguredEnvironmentsProdDevTest_AreAccepted(string environment)
    {
        var options = new BucketNamingOptions { AllowedEnvironments = new[] { "prod", "dev", "test" } };

        Assert.Equal($"edge-{environment}-a001-us-west-2", BucketNaming.Build(Parts(environment: environment), options).Name);
    }

    [Fact]
    public void Build_EnvironmentOutsideTheConfiguredOnes_IsEnvironmentUnknownNamingTheAllowedOnes()
    {
        var options = new BucketNamingOptions { AllowedEnvironments = new[] { "prod", "dev", "test" } };

        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(environment: "staging"), options));

        Assert.Equal("EnvironmentUnknown", error.ErrorId);
        Assert.Equal("staging", error.Target);
        Assert.Contains("'staging'", error.Message);
        Assert.Contains("(prod, dev, test)", error.Message);
    }

    [Theory]
    [InlineData("qa")]
    [InlineData("Dev")]
    [InlineData("")]
    public void Build_UnknownEnvironment_IsEnvironmentUnknown(string environment)
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(environment: environment)));
        Assert.Equal("EnvironmentUnknown", error.ErrorId);
    }

    [Theory]
    [InlineData("Edge", 'E', 1)]
    [InlineData("ed_ge", '_', 3)]
    [InlineData("ed.ge", '.', 3)]
    public void Build_CompanyPrefixWithBadCharacter_IsCompanyPrefixInvalidCharacter(string company, char bad, int position)
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(company: company)));

        Assert.Equal("CompanyPrefixInvalidCharacter", error.ErrorId);
        Assert.Equal(company, error.Target);
        Assert.Contains($"contains '{bad}' at position {position}", error.Message);
    }

    [Fact]
    public void Build_UppercaseCompanyPrefix_HintsTheLowercaseLetter()
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(company: "Edge")));
        Assert.Contains("use 'e' instead", error.Message);
    }

    [Theory]
    [InlineData("-a001")]
    [InlineData("a001-")]
    [InlineData("a--001")]
    public void Build_TenantIdWithBadHyphens_IsTenantIdInvalidHyphen(string tenant)
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(tenant: tenant)));

        Assert.Equal("TenantIdInvalidHyphen", error.ErrorId);
        Assert.Equal(tenant, error.Target);
    }

    [Fact]
    public void Build_TenantIdWithUppercase_IsTenantIdInvalidCharacter()
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(tenant: "A001")));
        Assert.Equal("TenantIdInvalidCharacter", error.ErrorId);
    }

    [Theory]
    [InlineData("", "a001", "CompanyPrefixEmpty")]
    [InlineData("edge", "", "TenantIdEmpty")]
    public void Build_EmptyPart_IsPartEmpty(string company, string tenant, string errorId)
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(company: company, tenant: tenant)));
        Assert.Equal(errorId, error.ErrorId);
    }

    [Theory]
    [InlineData("us-west-9")]
    [InlineData("mars-north-1")]
    [InlineData("uswest2")]
    public void Build_RegionTheSdkDoesNotKnow_IsRegionUnknown(string region)
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(region: region)));

        Assert.Equal("RegionUnknown", error.ErrorId);
        Assert.Equal(region, error.Target);
        Assert.Contains("-CustomRegion", error.Message);
    }

    [Fact]
    public void Build_UnknownRegionCloseToKnownOnes_SuggestsThem()
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(region: "us-west-9")));
        Assert.Contains("did you mean us-", error.Message);
    }

    [Fact]
    public void Build_UnknownRegionWithCustomRegion_IsAccepted()
    {
        var result = BucketNaming.Build(Parts(region: "mars-north-1"), new BucketNamingOptions { CustomRegion = true });
        Assert.Equal("edge-dev-a001-mars-north-1", result.Name);
    }

    [Fact]
    public void Build_CustomRegionStillChecksTheRegionCharacters()
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(region: "Mars-1"), new BucketNamingOptions { CustomRegion = true }));
        Assert.Equal("RegionInvalidCharacter", error.ErrorId);
    }

    [Fact]
    public void Build_EmptyRegion_IsRegionEmpty()
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(region: "")));
        Assert.Equal("RegionEmpty", error.ErrorId);
    }

    [Theory]
    [InlineData("us-west-2")]
    [InlineData("eu-central-1")]
    [InlineData("ap-southeast-2")]
    public void KnownRegions_ContainTheCommonAwsRegions(string region)
    {
        Assert.True(BucketNaming.IsKnownRegion(region));
        Assert.Contains(region, BucketNaming.KnownRegions);
    }

    [Fact]
    public void Build_RandomSuffix_AppendsHyphenAndSixLowercaseAlphanumerics()
    {
        var options = new BucketNamingOptions { RandomSuffixLength = 6 };

        string first = BucketNaming.Build(Parts(), options).Name;
        string second = BucketNaming.Build(Parts(), options).Name;

        Assert.Matches(new Regex("^edge-dev-a001-us-west-2-[a-z0-9]{6}$"), first);
        Assert.Matches(new Regex("^edge-dev-a001-us-west-2-[a-z0-9]{6}$"), second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Build_RandomSuffix_UsesTheWholeAlphabetOverManyNames()
    {
        var options = new BucketNamingOptions { RandomSuffixLength = 6 };
        var seen = new HashSet<char>();
        for (int i = 0; i < 200; i++)
            foreach (char c in BucketNaming.Build(Parts(), options).Name.Substring("edge-dev-a001-us-west-2-".Length))
                seen.Add(c);

        // 1200 random characters over a 36-character alphabet: every letter class shows up.
        Assert.Contains(seen, char.IsDigit);
        Assert.Contains(seen, char.IsLower);
        Assert.All(seen, c => Assert.True((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'), $"unexpected '{c}'"));
    }

    [Fact]
    public void Build_TooLongGeneratedName_SaysWhichPartsAndByHowMuch()
    {
        string company = new string('c', 50); // 50 + "-dev-" + 4 + "-" + 9 = 69 characters
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(company: company)));

        Assert.Equal("BucketNameTooLong", error.ErrorId);
        Assert.Equal(company + "-dev-a001-us-west-2", error.Target);
        Assert.Contains("is 69 characters, 6 over S3's 63-character limit", error.Message);
        Assert.Contains("CompanyPrefix is 50, Environment 3, TenantId 4, Region 9 characters", error.Message);
        Assert.Contains("shorten CompanyPrefix or TenantId by 6", error.Message);
        Assert.DoesNotContain("suffix", error.Message);
    }

    [Fact]
    public void Build_TooLongOnlyBecauseOfTheSuffix_CountsTheSuffix()
    {
        string company = new string('c', 40); // 59 characters without the suffix, 66 with "-" + 6
        Assert.Equal(59, BucketNaming.Build(Parts(company: company)).Name.Length);

        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(company: company), new BucketNamingOptions { RandomSuffixLength = 6 }));

        Assert.Equal("BucketNameTooLong", error.ErrorId);
        Assert.Contains("is 66 characters, 3 over", error.Message);
        Assert.Contains("suffix 7 characters", error.Message);
        Assert.Contains("by 3", error.Message);
    }

    [Fact]
    public void Build_ExactlySixtyThreeCharacters_IsAccepted()
    {
        string company = new string('c', 44); // 44 + 19 = 63
        Assert.Equal(63, BucketNaming.Build(Parts(company: company)).Name.Length);
    }

    [Fact]
    public void Build_CompanyPrefixThatMakesAReservedPrefix_IsRefused()
    {
        var error = Assert.Throws<MlLayoutException>(() => BucketNaming.Build(Parts(company: "sthree")));
        Assert.Equal("BucketNameReservedPrefix", error.ErrorId);
    }

    // ---- Validate --------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("abc")]
    [InlineData("my-bucket")]
    [InlineData("123")]
    [InlineData("edge-prod-b001-us-west-2")]
    [InlineData("a1-b2-c3")]
    public void Validate_ValidNames_PassWithoutWarnings(string name)
    {
        var result = BucketNaming.Validate(name);
        Assert.Equal(name, result.Name);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Validate_SixtyThreeCharacters_IsTheMaximum()
    {
        Assert.Equal(63, BucketNaming.Validate(new string('a', 63)).Name.Length);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("ab", 2)]
    public void Validate_TooShort_SaysHowManyCharacters(string name, int length)
    {
        var error = ValidateFails(name, "BucketNameTooShort");
        Assert.Contains($"is {length} characters; S3 needs at least 3", error.Message);
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(70, 7)]
    public void Validate_TooLong_SaysHowManyCharactersAndHowManyOver(int length, int over)
    {
        var error = ValidateFails(new string('a', length), "BucketNameTooLong");
        Assert.Contains($"is {length} characters, {over} over S3's 63-character limit", error.Message);
    }

    [Theory]
    [InlineData("my_bucket", '_', 3)]
    [InlineData("myBucket", 'B', 3)]
    [InlineData("my bucket", ' ', 3)]
    [InlineData("bucket!", '!', 7)]
    [InlineData("Abc", 'A', 1)]
    [InlineData("caf\u00e9", '\u00e9', 4)]
    public void Validate_InvalidCharacter_NamesTheCharacterAndItsPosition(string name, char bad, int position)
    {
        var error = ValidateFails(name, "BucketNameInvalidCharacter");
        Assert.Contains($"contains '{bad}' at position {position}", error.Message);
    }

    [Fact]
    public void Validate_Uppercase_HintsTheLowercaseLetter()
    {
        var error = ValidateFails("myBucket", "BucketNameInvalidCharacter");
        Assert.Contains("use 'b' instead (bucket names are lowercase)", error.Message);
    }

    [Fact]
    public void Validate_Underscore_HintsAHyphen()
    {
        var error = ValidateFails("my_bucket", "BucketNameInvalidCharacter");
        Assert.Contains("use '-' instead", error.Message);
    }

    [Fact]
    public void Validate_OtherCharacter_ListsWhatIsAllowed()
    {
        var error = ValidateFails("my bucket", "BucketNameInvalidCharacter");
        Assert.Contains("use only lowercase letters, digits, '-' and '.'", error.Message);
    }

    [Theory]
    [InlineData("-bucket", '-')]
    [InlineData(".bucket", '.')]
    public void Validate_InvalidStart(string name, char first)
    {
        var error = ValidateFails(name, "BucketNameInvalidStart");
        Assert.Contains($"starts with '{first}'", error.Message);
    }

    [Theory]
    [InlineData("bucket-", '-')]
    [InlineData("bucket.", '.')]
    public void Validate_InvalidEnd(string name, char last)
    {
        var error = ValidateFails(name, "BucketNameInvalidEnd");
        Assert.Contains($"ends with '{last}'", error.Message);
    }

    [Fact]
    public void Validate_AdjacentPeriods()
    {
        var error = ValidateFails("my..bucket", "BucketNameAdjacentPeriods");
        Assert.Contains("'..'", error.Message);
    }

    [Theory]
    [InlineData("my.-bucket")]
    [InlineData("my-.bucket")]
    public void Validate_PeriodNextToHyphen(string name)
    {
        ValidateFails(name, "BucketNamePeriodNextToHyphen");
    }

    [Theory]
    [InlineData("192.168.5.4")]
    [InlineData("10.0.0.1")]
    public void Validate_IpAddress(string name)
    {
        ValidateFails(name, "BucketNameIpAddress");
    }

    [Fact]
    public void Validate_DottedDigitsThatAreNotAnIpAddress_AreOnlyWarned()
    {
        var result = BucketNaming.Validate("1.2.3.4.5");
        Assert.Single(result.Warnings);
    }

    [Theory]
    [InlineData("xn--bucket", "xn--")]
    [InlineData("sthree-bucket", "sthree-")]
    [InlineData("amzn-s3-demo-bucket", "amzn-s3-demo-")]
    public void Validate_ReservedPrefix(string name, string prefix)
    {
        var error = ValidateFails(name, "BucketNameReservedPrefix");
        Assert.Contains($"starts with '{prefix}'", error.Message);
    }

    [Theory]
    [InlineData("bucket-s3alias", "-s3alias")]
    [InlineData("bucket--ol-s3", "--ol-s3")]
    [InlineData("bucket.mrap", ".mrap")]
    [InlineData("bucket--x-s3", "--x-s3")]
    [InlineData("bucket--table-s3", "--table-s3")]
    public void Validate_ReservedSuffix(string name, string suffix)
    {
        var error = ValidateFails(name, "BucketNameReservedSuffix");
        Assert.Contains($"ends with '{suffix}'", error.Message);
    }

    [Theory]
    [InlineData("sthree")]          // the reserved prefix needs its hyphen
    [InlineData("bucket-s3")]       // not one of the reserved suffixes
    [InlineData("mybucket-ol-s3")]  // single hyphen: not '--ol-s3'
    public void Validate_NamesCloseToReservedOnes_AreAccepted(string name)
    {
        Assert.Equal(name, BucketNaming.Validate(name).Name);
    }

    [Theory]
    [InlineData("my.bucket")]
    [InlineData("edge.prod.a001")]
    public void Validate_Dots_GiveAWarningNotAnError(string name)
    {
        var result = BucketNaming.Validate(name);

        Assert.Equal(name, result.Name);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("contains '.'", warning);
        Assert.Contains("prefer hyphens", warning);
    }
}
