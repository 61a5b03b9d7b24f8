using System.Net.Http.Json;
using Microsoft.Playwright;

namespace DigitalCell.Web.Tests;

/// <summary>
/// The page in a real browser: Playwright .NET driving Debian's Chromium (/usr/bin/chromium, no browser download) against
/// the platform on a loopback port, with the Papalexi THP-1 screen (a prediction, its permalink, and an in-silico screen)
/// and Kang 2018's PBMCs (IFN-β picked from the treatment list).
/// </summary>
[NonParallelizable]
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Test]
    public async Task An_ifngr1_knockout_in_thp1_cells_shows_the_apis_top_genes_the_permalink_reproduces_it_a_screen_shows_the_apis_ranking_and_so_does_a_treatment()
    {
        if (!File.Exists(Chromium)) Assert.Ignore($"{Chromium} is not installed (apt-get install chromium); the browser test needs it.");
        var server = await ServedPlatform.LoopbackAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1300 } });
        var problems = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") problems.Add(message.Text); };
        page.PageError += (_, error) => problems.Add(error);

        await page.GotoAsync(server.ToString());
        await page.WaitForSelectorAsync("body[data-state=ready]", new PageWaitForSelectorOptions { Timeout = 60_000 });
        await page.SelectOptionAsync("#dataset", ServedPlatform.Papalexi);
        var contexts = await page.Locator("#context option").AllTextContentsAsync();
        string thp1 = contexts.Single(c => c.StartsWith("THP-1", StringComparison.Ordinal));
        await page.SelectOptionAsync("#context", new SelectOptionValue { Label = thp1 });
        await page.FillAsync("#gene", "IFNGR1");
        await page.SelectOptionAsync("#mode", "ko");
        await page.ClickAsync("#predict");
        await page.WaitForSelectorAsync("#top-genes[data-rendered='IFNGR1']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForSelectorAsync("body[data-state=shown]");

        var shownUp = await page.Locator("#top-up li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.gene)");
        var shownDown = await page.Locator("#top-down li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.gene)");
        using var api = new HttpClient { BaseAddress = server };
        var response = await api.PostAsJsonAsync("/api/v1/predict", new { dataset = ServedPlatform.Papalexi, context = (object?)null, perturbation = "IFNGR1", mode = "ko" }, WebPlatform.Json);
        var answer = (await response.Content.ReadFromJsonAsync<PredictResponse>(WebPlatform.Json))!;
        Assert.That(shownUp, Is.EqualTo(answer.TopUp.Select(g => g.Gene)));
        Assert.That(shownDown, Is.EqualTo(answer.TopDown.Select(g => g.Gene)));
        // The bar chart itself: plotly drew one bar per listed gene, labelled with the genes.
        Assert.That(await page.Locator("#top-genes .bars path").CountAsync(), Is.EqualTo(answer.TopUp.Count + answer.TopDown.Count));
        var ticks = await page.Locator("#top-genes .ytick text").AllTextContentsAsync();
        Assert.That(ticks, Does.Contain(answer.TopDown[0].Gene).And.Contain(answer.TopUp[0].Gene));
        Assert.That(await page.Locator("#measured .points path").CountAsync(), Is.EqualTo(answer.Genes.Count), "measured vs predicted: one point per gene");
        string screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dcell-serve-ifngr1.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        TestContext.AddTestAttachment(screenshot, "the page after the IFNGR1 knockout");

        // The permalink reproduces the view in a fresh page.
        string permalink = await page.GetAttributeAsync("#permalink", "href") ?? "";
        Assert.That(permalink, Does.Contain("sha=" + answer.ModelSha));
        var again = await browser.NewPageAsync();
        await again.GotoAsync(new Uri(server, permalink).ToString());
        await again.WaitForSelectorAsync("body[data-state=shown]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.That(await again.Locator("#top-down li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.gene)"), Is.EqualTo(shownDown));
        Assert.That(await again.InputValueAsync("#gene"), Is.EqualTo("IFNGR1"));

        // The screen panel: lowering the IFN-γ program over the measured knockouts shows the API's ranking.
        await page.FillAsync("#objective", "program:HALLMARK_INTERFERON_GAMMA_RESPONSE");
        await page.SelectOptionAsync("#direction", "down");
        await page.SelectOptionAsync("#candidates", "measured");
        await page.ClickAsync("#run-screen");
        await page.WaitForSelectorAsync("body[data-screen=shown]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var screenResponse = await api.PostAsJsonAsync("/api/v1/screen", new { dataset = ServedPlatform.Papalexi, model = answer.Model, mode = "ko",
            objective = "program:HALLMARK_INTERFERON_GAMMA_RESPONSE", direction = "down", candidates = "measured" }, WebPlatform.Json);
        var screen = (await screenResponse.Content.ReadFromJsonAsync<ScreenResponse>(WebPlatform.Json))!;
        var tableGenes = await page.Locator("#screen-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.gene)");
        Assert.That(tableGenes, Is.EqualTo(screen.Rows.Select(r => r.Gene)));
        Assert.That(await page.Locator("#screen-chart .bars path").CountAsync(), Is.EqualTo(Math.Min(30, screen.Rows.Count)), "one bar per candidate shown");
        Assert.That(await page.Locator("#screen-chart .ytick text").AllTextContentsAsync(), Does.Contain(screen.Rows[0].Gene));
        Assert.That(await page.Locator("#hit-cards li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.gene)"), Is.EqualTo(screen.HitCards.Select(h => h.Gene)));
        string csvLink = await page.GetAttributeAsync("#screen-csv", "href") ?? "";
        Assert.That(csvLink, Is.EqualTo(screen.Csv));
        var csv = (await api.GetStringAsync(csvLink)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(csv.Skip(1).Select(l => l.Split(',')[0]), Is.EqualTo(tableGenes), "the download is the ranking on the page");
        string screenShot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dcell-serve-screen.png");
        await page.Locator("#screen").ScreenshotAsync(new LocatorScreenshotOptions { Path = screenShot });
        TestContext.AddTestAttachment(screenShot, "the screen panel after lowering the IFN-γ program");

        // A data set of treatments: the model's treatments replace the gene box and mode; IFN-β on CD14+ monocytes shows the API's answer.
        await page.SelectOptionAsync("#dataset", ServedPlatform.Kang);
        await page.WaitForSelectorAsync("#context option[value='CD14+Mono']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await page.WaitForSelectorAsync("#treatment-label:not([hidden])");
        Assert.That(await page.Locator("#gene-label").IsHiddenAsync() && await page.Locator("#mode-label").IsHiddenAsync() && await page.Locator("#screen").IsHiddenAsync(), Is.True);
        Assert.That(await page.Locator("#treatment option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)"), Is.EqualTo(new[] { "stimulated" }));
        await page.SelectOptionAsync("#context", "CD14+Mono");
        await page.ClickAsync("#predict");
        await page.WaitForSelectorAsync("#top-genes[data-rendered='stimulated']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForSelectorAsync("body[data-state=shown]");
        var treated = await api.PostAsJsonAsync("/api/v1/predict", new { dataset = ServedPlatform.Kang, model = await page.InputValueAsync("#model"),
            context = new Dictionary<string, string> { ["cell_type"] = "CD14+Mono" }, perturbation = "stimulated" }, WebPlatform.Json);
        var treatment = (await treated.Content.ReadFromJsonAsync<PredictResponse>(WebPlatform.Json))!;
        Assert.That(await page.Locator("#top-up li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.gene)"), Is.EqualTo(treatment.TopUp.Select(g => g.Gene)));
        Assert.That(await page.Locator("#measured .points path").CountAsync(), Is.EqualTo(treatment.Genes.Count), "the stimulated monocytes were measured");
        var treatedAgain = await browser.NewPageAsync();
        await treatedAgain.GotoAsync(new Uri(server, await page.GetAttributeAsync("#permalink", "href") ?? "").ToString());
        await treatedAgain.WaitForSelectorAsync("body[data-state=shown]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.That(await treatedAgain.InputValueAsync("#treatment"), Is.EqualTo("stimulated"), "the treatment's permalink reproduces it");
        Assert.That(await treatedAgain.Locator("#top-up li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.gene)"), Is.EqualTo(treatment.TopUp.Select(g => g.Gene)));
        string treatmentShot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dcell-serve-ifnb.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = treatmentShot, FullPage = true });
        TestContext.AddTestAttachment(treatmentShot, "the page after IFN-β stimulation of CD14+ monocytes");

        Assert.That(problems, Is.Empty, "no script errors and no Content-Security-Policy violations");
    }
}
