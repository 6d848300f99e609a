// Charts of the staff pages, drawn by Polaris Viz in the browser only: the library measures the
// DOM, so it is loaded after the page has mounted (a dynamic import, never evaluated by the
// server render), and the server renders a placeholder of the same size.
import { useEffect, useState, type ReactNode } from "react";
import { Box, SkeletonBodyText } from "@shopify/polaris";
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

function Frame({ children, label }: { children: ReactNode; label: string }) {
  return (
    <div style={{ height: 260 }} role="img" aria-label={label}>
      {children}
    </div>
  );
}

/** A bar chart (stacked when several series), or its placeholder until Polaris Viz is loaded. */
export function BarChartView({ series, label, stacked, xLabel }: { series: Series[]; label: string; stacked?: boolean; xLabel?: (key: string) => string }) {
  const viz = useViz();
  const { t, number } = useI18n();
  if (!viz) {
    return (
      <Frame label={label}>
        <Box padding="400">
          <SkeletonBodyText lines={6} />
          <span style={{ position: "absolute", left: -10_000 }}>{t("dash.chart_loading")}</span>
        </Box>
      </Frame>
    );
  }
  const { PolarisVizProvider, BarChart } = viz;
  return (
    <Frame label={label}>
      <PolarisVizProvider>
        <BarChart
          data={series}
          theme="Light"
          type={stacked ? "stacked" : "default"}
          showLegend={series.length > 1}
          isAnimated={false}
          xAxisOptions={xLabel ? { labelFormatter: (v) => xLabel(String(v)) } : {}}
          yAxisOptions={{ labelFormatter: (v) => number(Number(v)), integersOnly: true }}
        />
      </PolarisVizProvider>
    </Frame>
  );
}
