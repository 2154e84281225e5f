/**
 * The GraphiQL page Yoga serves at /graphql (its `renderGraphiQL` option), linking only to this
 * server: the stylesheet, script and editor workers that useGraphiQLAssets serves. Yoga's own page
 * loads them from a public CDN and never renders where that cannot be reached.
 */
import type { GraphiQLOptions } from 'graphql-yoga';
import type { GraphiQLAssetUrls } from './use-graphiql-assets.js';

/** What a first visit's tab holds: one query and one subscription of Sky Manager's API. */
export const SKY_EXAMPLE_OPERATIONS = `# Run an operation with the play button, or with Ctrl-Enter
# in it. The Docs (top left) list every field of the API.

query Clusters {
  clusters {
    items {
      metadata { name }
      status { phase }
    }
  }
}

# Every job as ADDED, then each change as it happens:
# try \`skym create job\` while it runs.
subscription WatchJobs {
  watchJobs {
    type
    object {
      metadata { namespace name }
      status { phase }
    }
  }
}
`;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** JSON that cannot end the <script> element it sits in. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export interface GraphiQLPageOptions {
  assets: GraphiQLAssetUrls;
  /**
   * The operations the page opens with (a `?query=` in the address still wins). Yoga's GraphiQL
   * reads `query` although its options type does not declare it; `defaultQuery` is only for tabs
   * opened later.
   */
  query: string;
}

export function renderGraphiQLPage({ assets, query }: GraphiQLPageOptions): (options: GraphiQLOptions) => string {
  // Monaco asks for a worker by label; these are the labels Yoga's GraphiQL uses.
  const workers = { editorWorkerService: assets.editorWorker, json: assets.jsonWorker, graphql: assets.graphqlWorker };
  return (options) => {
    const title = escapeHtml(options.title ?? 'GraphiQL');
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assets.stylesheet)}">
</head>
<body>
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading ${title}…</div>
<script>
const workers = ${scriptJson(workers)};
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] ?? workers.editorWorkerService };
</script>
<script src="${escapeHtml(assets.script)}"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), ${scriptJson({ ...options, query })});</script>
</body>
</html>
`;
  };
}
