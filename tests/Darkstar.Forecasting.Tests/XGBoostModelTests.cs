using Darkstar.Forecasting.Models;
using Darkstar.Forecasting.Native;
using Darkstar.Testing;

namespace Darkstar.Forecasting.Tests;

public sealed class XGBoostModelTests
{
    private static readonly BoostingParameters Fast = new() { MaxRounds = 60, LearningRate = 0.3, MaxDepth = 3, MinChildWeight = 1, Subsample = 1, ColumnSampleByTree = 1, EarlyStoppingRounds = 60 };

    /// <summary>y = 2·x0 + (x1 &gt; 0.5 ? 1 : 0) on a grid, plus uniform noise in [-0.5, 0.5] from a fixed seed.</summary>
    private static (FeatureMatrix Features, float[] Labels) Data(int rows, int seed, bool noise = false)
    {
        var random = new Random(seed);
        var values = new float[rows * 2];
        var labels = new float[rows];
        for (var i = 0; i < rows; i++)
        {
            var x0 = (float)random.NextDouble();
            var x1 = (float)random.NextDouble();
            values[i * 2] = x0;
            values[(i * 2) + 1] = x1;
            labels[i] = (2 * x0) + (x1 > 0.5 ? 1 : 0) + (noise ? (float)(random.NextDouble() - 0.5) : 0);
        }

        return (new FeatureMatrix(values, 2), labels);
    }

    [Fact]
    public void LibraryVersion_InstalledLibrary_IsOneOrLater()
    {
        Assert.True(XGBoostModel.LibraryVersion.Major >= 1, $"libxgboost {XGBoostModel.LibraryVersion}");
    }

    [Fact]
    public void Train_SquaredErrorOnSmoothFunction_PredictsHeldOutRowsClosely()
    {
        var (train, trainLabels) = Data(400, 1);
        var (validation, validationLabels) = Data(100, 2);

        var outcome = XGBoostModel.Train(train, trainLabels, validation, validationLabels, BoostingObjective.SquaredError, Fast, CancellationToken.None);
        using var model = outcome.Model;
        var predicted = model.Predict(validation);

        var mae = predicted.Zip(validationLabels, (p, y) => Math.Abs(p - y)).Average();
        Assert.True(mae < 0.15, $"MAE {mae}");
        Assert.Equal(outcome.BestRounds, model.Rounds);
    }

    [Fact]
    public void Train_PinballGradient_P90CoversAboutNinetyPercent()
    {
        var (train, trainLabels) = Data(2000, 3, noise: true);
        var (validation, validationLabels) = Data(1000, 4, noise: true);
        var parameters = Fast with { MaxRounds = 200, LearningRate = 0.1 };

        using var p90 = XGBoostModel.Train(train, trainLabels, validation, validationLabels, BoostingObjective.Quantile(0.9), parameters, CancellationToken.None).Model;
        using var p10 = XGBoostModel.Train(train, trainLabels, validation, validationLabels, BoostingObjective.Quantile(0.1), parameters, CancellationToken.None).Model;

        var (test, testLabels) = Data(2000, 5, noise: true);
        var high = p90.Predict(test);
        var low = p10.Predict(test);
        var belowHigh = high.Zip(testLabels, (h, y) => y <= h).Count(b => b) / (double)testLabels.Length;
        var belowLow = low.Zip(testLabels, (l, y) => y <= l).Count(b => b) / (double)testLabels.Length;
        Assert.InRange(belowHigh, 0.84, 0.96);
        Assert.InRange(belowLow, 0.04, 0.16);
    }

    [Fact]
    public void SaveJson_ThenLoadJson_PredictsTheSame()
    {
        var (train, labels) = Data(300, 6);
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "model.json");
        using var model = XGBoostModel.Train(train, labels, train, labels, BoostingObjective.SquaredError, Fast, CancellationToken.None).Model;

        model.SaveJson(path);
        using var loaded = XGBoostModel.LoadJson(path);
        using var fromText = XGBoostModel.FromJson(((XGBoostModel)model).ToJson());

        Assert.StartsWith("{", File.ReadAllText(path).TrimStart(), StringComparison.Ordinal);
        Assert.Equal(model.Predict(train), loaded.Predict(train));
        Assert.Equal(model.Predict(train), fromText.Predict(train));
    }

    [Fact]
    public void Train_UnknownParameterValue_ThrowsWithXGBoostsMessage()
    {
        var (train, labels) = Data(50, 7);
        var bad = Fast with { Extra = new Dictionary<string, string> { ["objective"] = "reg:no_such_objective" } };

        var error = Assert.Throws<XGBoostException>(() =>
            XGBoostModel.Train(train, labels, train, labels, BoostingObjective.SquaredError, bad, CancellationToken.None));

        Assert.Contains("no_such_objective", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_OutOfRangeParameter_Throws()
    {
        var (train, labels) = Data(50, 8);
        var bad = Fast with { Subsample = 3 };

        Assert.Throws<XGBoostException>(() =>
            XGBoostModel.Train(train, labels, train, labels, BoostingObjective.SquaredError, bad, CancellationToken.None));
    }

    [Fact]
    public void LoadJson_MissingFile_ThrowsFileNotFound()
    {
        using var folder = new TempDirectory();
        Assert.Throws<FileNotFoundException>(() => XGBoostModel.LoadJson(Path.Combine(folder.Path, "absent.json")));
    }

    [Fact]
    public void FromJson_NotAModel_ThrowsXGBoostException()
    {
        Assert.Throws<XGBoostException>(() => XGBoostModel.FromJson("{\"not\":\"a model\"}"));
    }

    [Fact]
    public void PinballGradient_BelowAndAboveLabel_IsMinusTauAndOneMinusTau()
    {
        var gradient = new float[2];
        var hessian = new float[2];
        XGBoostModel.PinballGradient([1f, 3f], [2f, 2f], 0.9, gradient, hessian);
        Assert.Equal(-0.9f, gradient[0], 5);
        Assert.Equal(0.1f, gradient[1], 5);
        Assert.All(hessian, h => Assert.Equal(1f, h));
    }
}
