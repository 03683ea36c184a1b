package dev.bulwark.trust.web;

import java.util.Locale;
import java.util.Map;

import dev.bulwark.trust.TrustProperties;
import org.springframework.stereotype.Component;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.FileTemplateResolver;

/**
 * The trust pages' templates: the operator's own from {@code bulwark.trust.brand.template-dir} when that directory holds
 * one of the same name, else the built-in one ({@code src/main/resources/bulwark-trust/}). An engine of its own, not a
 * bean: the application's Thymeleaf engine (the console's) keeps its own templates and settings. Templates are cached
 * for the life of the process; an operator's change shows after a restart.
 */
@Component
class TrustTemplates {

    private final SpringTemplateEngine engine = new SpringTemplateEngine();

    TrustTemplates(TrustProperties properties) {
        engine.setEnableSpringELCompiler(true);
        if (properties.brand().templateDir() != null) {
            FileTemplateResolver operator = new FileTemplateResolver();
            operator.setPrefix(properties.brand().templateDir().toAbsolutePath() + "/");
            operator.setSuffix(".html");
            operator.setTemplateMode(TemplateMode.HTML);
            operator.setCharacterEncoding("UTF-8");
            operator.setCheckExistence(true);
            operator.setOrder(1);
            engine.addTemplateResolver(operator);
        }
        ClassLoaderTemplateResolver builtIn = new ClassLoaderTemplateResolver(TrustTemplates.class.getClassLoader());
        builtIn.setPrefix("bulwark-trust/");
        builtIn.setSuffix(".html");
        builtIn.setTemplateMode(TemplateMode.HTML);
        builtIn.setCharacterEncoding("UTF-8");
        builtIn.setOrder(2);
        engine.addTemplateResolver(builtIn);
    }

    /** {@code name}: {@code trust} or {@code trust-doc}; names are fixed here, never taken from a request. */
    String render(String name, Map<String, Object> variables) {
        return engine.process(name, new Context(Locale.ENGLISH, variables));
    }
}
