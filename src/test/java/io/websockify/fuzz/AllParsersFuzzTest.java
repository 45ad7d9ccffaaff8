package io.websockify.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.websockify.config.HostPortFuzzTest;
import io.websockify.config.PathTemplateFuzzTest;
import io.websockify.config.ProxySettingsFuzzTest;
import io.websockify.config.SettingsFuzzTest;
import io.websockify.endpoint.SubprotocolFuzzTest;
import io.websockify.route.AllowListFuzzTest;
import io.websockify.route.TokenExtractorFuzzTest;
import io.websockify.standalone.CommandLineFuzzTest;
import io.websockify.token.RedisSourceFuzzTest;
import io.websockify.token.TokenFileParserFuzzTest;

/**
 * Every parser fuzz target behind one {@link FuzzTest}, for the quick bounded fuzzing run of the test script: Jazzer
 * fuzzes one test per JVM, and one JVM start (with its agent) costs more than fuzzing a parser for a while, so the
 * targets share one run. The input's last byte picks the target; the rest is that target's input, so a finding here
 * minus its last byte reproduces in the target's own class (each {@code *FuzzTest} also fuzzes alone, with its own
 * seeds, e.g. {@code JAZZER_FUZZ=1 mvn surefire:test -Dtest=TokenFileParserFuzzTest}).
 */
class AllParsersFuzzTest {

    @FuzzTest(maxDuration = "90s")
    void allParsers(FuzzedDataProvider data) throws Exception {
        switch (data.consumeInt(0, 9)) {
            case 0 -> HostPortFuzzTest.check(data);
            case 1 -> PathTemplateFuzzTest.check(data);
            case 2 -> SettingsFuzzTest.check(data);
            case 3 -> ProxySettingsFuzzTest.check(data);
            case 4 -> AllowListFuzzTest.check(data);
            case 5 -> TokenExtractorFuzzTest.check(data);
            case 6 -> SubprotocolFuzzTest.check(data);
            case 7 -> TokenFileParserFuzzTest.check(data);
            case 8 -> RedisSourceFuzzTest.check(data);
            default -> CommandLineFuzzTest.check(data);
        }
    }
}
