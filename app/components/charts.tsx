// Charts of the staff pages, drawn by Polaris Viz in the browser only: the library measures the
// DOM, so it is loaded after the page has mounted (a dynamic import, never evaluated by the
// server render), and the server renders a placeholder of the same size.
import { useEffect, useState, type ReactNode } from "react";
import { Box, InlineStack, SkeletonBodyText, Text } from "@shopify/polaris";
import type * as VizModule from "@shopify/polaris-viz";
import { useI18n } from "./i18n";

type Viz = typeof VizModule;

export interface Series {
  name: string;
  data: { key: string; value: number }[];
  color?: string;
}

function useViz(): Viz | null {
  const [viz, setViz] = useState<Viz | null>(null);
  useEffect(() => {
    let live = true;
    import("@shopify/polaris-viz")
      .then((m) => {
        if (live) setViz(m);
      })
      .catch(() => undefined); // the placeholder stays: figures are in the cards beside
    return () => {
      live = false;
    };
  }, []);
  return viz;
}

function Frame({ children, label, height = 260, legend }: { children: ReactNode; label: string; height?: number; legend?: Series[] }) {
  return (
    <div role="img" aria-label={label}>
      {legend && legend.length > 1 ? (
        <InlineStack gap="400" align="center">
          {legend.map((s) => (
            <InlineStack key={s.name} gap="100" blockAlign="center">
              <span style={{ display: "inline-block", width: 10, height: 10, borderRadius: 5, background: s.color ?? "#0094d5" }} />
              <Text as="span" variant="bodySm" tone="subdued">{s.name}</Text>
            </InlineStack>
          ))}
        </InlineStack>
      ) : null}
      <div style={{ height }}>{children}</div>
    </div>
  );
}

/** A bar chart (stacked when several series), or its placeholder until Polaris Viz is loaded. */
export function BarChartView({ series, label, stacked, xLabel, height }: { series: Series[]; label: string; stacked?: boolean; xLabel?: (key: string) => string; height?: number }) {
  const viz = useViz();
  const { t, number } = useI18n();
  if (!viz) {
    return (
      <Frame label={label} height={height}>
        <Box padding="400">
          <SkeletonBodyText lines={6} />
          <span style={{ position: "absolute", left: -10_000 }}>{t("dash.chart_loading")}</span>
        </Box>
      </Frame>
    );
  }
  const { PolarisVizProvider, BarChart } = viz;
  return (
    <Frame label={label} height={height} legend={series}>
      <PolarisVizProvider>
        <BarChart
          data={series}
          theme="Light"
          type={stacked ? "stacked" : "default"}
          // Polaris Viz's own legend, measured inside a fixed-height frame, leaves the chart a
          // negative height (nothing drawn): the frame draws the legend instead.
          showLegend={false}
          isAnimated={false}
          xAxisOptions={xLabel ? { labelFormatter: (v) => xLabel(String(v)) } : {}}
          yAxisOptions={{ labelFormatter: (v) => number(Number(v)), integersOnly: true }}
        />
      </PolarisVizProvider>
    </Frame>
  );
}
