import '@mantine/core/styles.css';
import {
  MantineProvider,
  TableScrollContainer,
  createTheme,
  darken,
  type CSSVariablesResolver,
} from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { SessionProvider } from './session';

// WCAG AA contrast (4.5:1 for text; the browser suite checks every page with axe). Mantine's
// defaults miss it in five places: white on the primary shade 6, dimmed gray 6 and error red 6 on
// white, coloured text (c="orange"), and light-variant text (badges, the active navigation link:
// shade 9 on shade 1).
const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'sm',
  components: {
    // A table wider than a phone scrolls sideways; its viewport takes focus so arrow keys can scroll
    // it (axe: scrollable-region-focusable).
    TableScrollContainer: TableScrollContainer.extend({
      defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } },
    }),
  },
});
const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Error text and the text typed into a field in error (red 6 is 3.3:1).
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    // Light-variant text, and text coloured with c="orange" etc. (shade 8: orange is 3.6:1).
    ...Object.fromEntries(
      Object.entries(t.colors).flatMap(([name, shades]) => [
        [`--mantine-color-${name}-light-color`, darken(shades[9], 0.4)],
        [`--mantine-color-${name}-text`, darken(shades[9], 0.25)],
      ]),
    ),
  },
  dark: {},
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <BrowserRouter basename="/console">
        <SessionProvider>
          <App />
        </SessionProvider>
      </BrowserRouter>
    </MantineProvider>
  </StrictMode>,
);
