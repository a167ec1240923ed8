package io.hookgate.console;

import static io.hookgate.admin.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hookgate.admin.ApiClient;
import io.hookgate.admin.ApiGateways;
import io.hookgate.admin.TailGateway;
import io.hookgate.testing.KafkaBroker;
import io.hookgate.testing.KafkaBrokerExtension;
import io.hookgate.testing.RecordingHttpServer;
import io.hookgate.testing.RecordingHttpServer.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ops console in a real headless Chromium (the apt packages {@code chromium} and {@code chromium-driver}, given by
 * path so that Selenium Manager downloads nothing), on a running gateway with a local receiver: a viewer sees and is
 * refused an action with the problem's detail; an admin pauses and resumes a subscription made through the API
 * (seen through the API), tests it (the receiver's status shown), and sees a webhook posted to the ingress in the
 * live tail with its original payload. Screenshots go to {@code target/console-screenshots/}; any error in the
 * page's console fails the test, but for the refusals the scenario asks for.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ConsoleBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(20);
  /**
   * What Chromium logs for answers the scenario asks for (it logs every 4xx a page fetches): the viewer's refused
   * pause. Any other error of the page fails the test.
   */
  private static final Pattern EXPECTED_REFUSAL = Pattern.compile(
      "/api/v1/subscriptions/console-sub/pause - .* status of 403.*");

  private static TailGateway gateway;
  private static RecordingHttpServer receiver;
  private static WebDriver driver;
  private static ApiClient admin;
  private static final List<LogEntry> consoleErrors = new ArrayList<>();
  private static final List<LogEntry> expectedRefusals = new ArrayList<>();

  @BeforeAll
  static void start(KafkaBroker broker) throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the console's browser test is skipped: " + CHROMIUM + " and " + CHROMEDRIVER + " are not installed "
            + "(apt-get install chromium chromium-driver, as .ci/run does)");
    gateway = TailGateway.start(broker, "{ heartbeat: 1s }", Map.of());
    receiver = RecordingHttpServer.start().script("/hook", Reply.of(200, "received by the test receiver"));
    admin = new ApiClient(gateway.port(), ApiGateways.ADMIN_TOKEN);
    HttpResponse<String> created = admin.put("/api/v1/subscriptions/console-sub",
        "{\"url\":\"" + receiver.baseUrl() + "/hook\",\"description\":\"the feed, to the test receiver\","
            + "\"filter\":{\"sources\":[\"feed\"]},\"format\":\"cloudevents\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    Files.createDirectories(SCREENSHOTS);
    driver = chromium();
  }

  private static WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1440,1000", "--no-first-run", "--disable-extensions");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (receiver != null) {
      receiver.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aViewerLooksAndIsRefusedAnActionAnAdminPausesTestsAndWatchesTheLiveTail() {
    // The viewer: the page is at / (redirected), the subscription made through the API is listed.
    driver.get("http://127.0.0.1:" + gateway.port() + "/");
    assertThat(driver.getCurrentUrl()).endsWith("/console/");
    signIn(ApiGateways.VIEWER_TOKEN, "viewer");
    waitForText(By.id("overview-health"), "UP");
    waitForText(By.id("overview-subscriptions"), "console-sub");
    waitForText(By.id("overview-lag"), "records behind");
    waitForText(By.id("overview-sources"), "feed");
    screenshot("overview-viewer");

    show("subscriptions");
    click(By.cssSelector("button[data-open='console-sub']"));
    WebElement pause = waitFor(By.id("pause-subscription"));
    assertThat(pause.isEnabled()).as("a viewer's pause button").isFalse();
    assertThat(driver.findElement(By.id("new-subscription")).isEnabled()).isFalse();

    // A console that took the viewer for an admin: the API refuses the pause, the page shows the problem's detail.
    ((JavascriptExecutor) driver).executeScript("sessionStorage.setItem('hookgate.console.session', "
        + "JSON.stringify({token: arguments[0], role: 'admin'}))", ApiGateways.VIEWER_TOKEN);
    driver.navigate().refresh();
    click(By.cssSelector("button[data-open='console-sub']"));
    click(By.id("pause-subscription"));
    waitForText(By.id("outcome"), "403");
    assertThat(text(By.id("outcome"))).contains("pauseSubscription needs the admin role");
    assertThat(status()).isEqualTo("active");
    screenshot("viewer-refused");
    signOut();

    // The admin: pause (seen through the API), resume, test (the receiver's answer shown).
    signIn(ApiGateways.ADMIN_TOKEN, "admin");
    show("subscriptions");
    click(By.cssSelector("button[data-open='console-sub']"));
    waitFor(By.id("pause-subscription"));
    driver.findElement(By.cssSelector("#subscription-detail input[type='text']")).sendKeys("receiver maintenance");
    click(By.id("pause-subscription"));
    waitForText(By.id("outcome"), "Paused console-sub");
    await().atMost(WAIT).until(() -> status().equals("paused"));
    waitForText(By.cssSelector("#subscriptions-list tr[data-id='console-sub']"), "paused");
    click(By.id("resume-subscription"));
    waitForText(By.id("outcome"), "Resumed console-sub");
    await().atMost(WAIT).until(() -> status().equals("active"));

    click(By.id("test-subscription"));
    waitForText(By.id("test-result"), "The receiver answered 200");
    assertThat(receiver.await("/hook", 1, WAIT)).isNotEmpty();
    waitForText(By.id("attempts"), "test");
    screenshot("subscriptions-admin");

    // The filter's dry-run in the editor, on the recent events.
    click(By.id("edit-subscription"));
    click(By.id("dry-run-filter"));
    waitForText(By.id("outcome"), "Dry run:");
    driver.findElement(By.cssSelector("#subscription-form button.secondary:last-of-type")).click();

    // The live tail: a webhook posted to the ingress shows; a click shows its canonical JSON and original payload.
    show("tail");
    driver.findElement(By.id("tail-source")).sendKeys("feed");
    click(By.id("tail-connect"));
    waitForText(By.id("tail-status"), "live");
    String project = "p-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> posted = new ArrayList<>();
    // The stream starts at the end of the topic once it has read its position, which the page cannot see: an event
    // posted before that is rightly not shown, so one more is posted until one shows.
    await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).until(() -> {
      String id = "console-" + UUID.randomUUID();
      gateway.post(id, project);
      posted.add(id);
      return !driver.findElements(By.cssSelector("#tail-events button[data-event-id]")).isEmpty();
    });
    WebElement event = driver.findElement(By.cssSelector("#tail-events button[data-event-id]"));
    assertThat(posted).contains(event.getAttribute("data-event-id"));
    event.click();
    waitForText(By.id("tail-canonical"), "\"specversion\": \"1.0\"");
    assertThat(text(By.id("tail-original"))).contains("\"project\": \"" + project + "\"");
    click(By.id("tail-pause"));
    waitForText(By.id("tail-status"), "view paused");
    screenshot("live-tail");

    show("sources");
    waitForText(By.id("sources-list"), "feed");
    click(By.xpath("//div[@id='sources-list']//button[text()='feed']"));
    new WebDriverWait(driver, WAIT).until(d -> posted.stream()
        .anyMatch(id -> d.findElement(By.id("source-requests")).getText().contains(id)));
    assertThat(text(By.id("source-requests"))).contains("202", "none");
    screenshot("sources");
    show("dead-letters");
    waitForText(By.id("dead-letters-list"), "No dead letter");
    show("overview");
    waitForText(By.id("overview-subscriptions"), "console-sub");
    waitForText(By.id("overview-health"), "UP");
    screenshot("overview-admin");

    readConsole();
    assertThat(consoleErrors).as("errors in the page's console").isEmpty();
    // The console is read indeed: the viewer's refused pause is there.
    assertThat(expectedRefusals).extracting(LogEntry::getMessage).anyMatch(m -> m.contains("/pause - "));
  }

  private static String status() {
    return json(admin.get("/api/v1/subscriptions/console-sub")).at("/state/status").asText();
  }

  private static void signIn(String token, String role) {
    WebElement input = waitFor(By.id("token"));
    input.sendKeys(token);
    click(By.id("sign-in-button"));
    waitForText(By.id("role"), "signed in: " + role);
  }

  private static void signOut() {
    click(By.id("sign-out"));
    waitForText(By.id("outcome"), "Signed out");
  }

  private static void show(String view) {
    click(By.cssSelector("#nav a[href='#" + view + "']"));
    new WebDriverWait(driver, WAIT).until(d -> view.equals(d.findElement(By.id("view")).getAttribute("data-view")));
  }

  private static WebElement waitFor(By by) {
    return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static void click(By by) {
    new WebDriverWait(driver, WAIT).until(ExpectedConditions.elementToBeClickable(by)).click();
  }

  private static void waitForText(By by, String text) {
    new WebDriverWait(driver, WAIT).withMessage(() -> by + " to contain " + text + "; it has: "
        + driver.findElements(by).stream().map(WebElement::getText).toList())
        .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  private static String text(By by) {
    return driver.findElement(by).getText();
  }

  /** The page's console since the last read: its errors but the expected refusals. */
  private static void readConsole() {
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.SEVERE.intValue()) {
        (EXPECTED_REFUSAL.matcher(entry.getMessage()).find() ? expectedRefusals : consoleErrors).add(entry);
      }
    }
  }

  private static void screenshot(String name) {
    readConsole();
    byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
    try {
      Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
